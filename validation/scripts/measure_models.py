#!/usr/bin/env python3
"""Whole-model latency on the GPU: PyTorch, random weights, fp16, eval, inference mode,
CUDA-graph replay (torch.cuda.graphs), the method of gpu_method.py: warm-up, L2 flushed
before every replay (weights start in HBM, as after any other work), CUDA events around the
replay alone, median/min/max of >= 20 replays, SM clock via NVML after the replays.

Model names and options are orrery's `--model NAME[:k=v,...]` syntax. Which module each is:
  resnet18 resnet50 vgg16 mobilenet_v2 efficientnet_b0 vit_b_16   torchvision, 3x224x224
  r3d_18                torchvision.models.video.r3d_18, clip 3x16x112x112
  bert_base:seq=S       transformers BertModel(BertConfig()) with pooler, input_ids [B,S], SDPA
  gpt2:seq=S,lm_head=0  transformers GPT2Model(GPT2Config()) without LM head, SDPA, no KV cache
  llama2_7b:seq=S       transformers LlamaForCausalLM, published 7B config (untied LM head), SDPA,
                        prefill of S tokens, no KV cache
Channels-last memory format is used for the CNNs (cuDNN's NHWC kernels, as the harness).

  measure_models.py --out models.csv [--only NAME,...] [--reps 30] [--quick]
"""
import argparse
import csv
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_method as gm  # noqa: E402

COLUMNS = ["model", "options", "batch", "dtype", "median_us", "min_us", "max_us", "reps", "sm_clock_mhz", "device"]


def tv(name, shape):
    def build(batch):
        import torchvision.models as tvm
        import torchvision.models.video as tvv
        ctor = tvv.r3d_18 if name == "r3d_18" else getattr(tvm, name)
        m = ctor()
        x = torch.randn(batch, *shape, device="cuda", dtype=torch.float16)
        fmt = torch.channels_last_3d if len(shape) == 4 else torch.channels_last
        m = m.to(memory_format=fmt)
        x = x.contiguous(memory_format=fmt)
        return m, (x,), {}
    return build


def hf(kind, seq):
    def build(batch):
        import transformers as T
        if kind == "bert":
            cfg, cls = T.BertConfig(), T.BertModel
        elif kind == "gpt2":
            cfg, cls = T.GPT2Config(), T.GPT2Model
        else:
            cfg = T.LlamaConfig(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                                num_attention_heads=32, num_key_value_heads=32, vocab_size=32000,
                                max_position_embeddings=4096, tie_word_embeddings=False)
            cls = T.LlamaForCausalLM
        cfg._attn_implementation = "sdpa"
        m = cls(cfg)
        ids = torch.randint(0, cfg.vocab_size, (batch, seq), device="cuda")
        kw = {} if kind == "bert" else {"use_cache": False}
        return m, (ids,), kw
    return build


# (name, options, builder, batches)
MODELS = [
    ("resnet18", "", tv("resnet18", (3, 224, 224)), (1, 32)),
    ("resnet50", "", tv("resnet50", (3, 224, 224)), (1, 32)),
    ("vgg16", "", tv("vgg16", (3, 224, 224)), (1, 16)),
    ("mobilenet_v2", "", tv("mobilenet_v2", (3, 224, 224)), (1, 32)),
    ("efficientnet_b0", "", tv("efficientnet_b0", (3, 224, 224)), (1, 32)),
    ("vit_b_16", "", tv("vit_b_16", (3, 224, 224)), (1, 32)),
    ("r3d_18", "", tv("r3d_18", (3, 16, 112, 112)), (1, 8)),
    ("bert_base", "seq=128", hf("bert", 128), (1, 32)),
    ("gpt2", "seq=128,lm_head=0", hf("gpt2", 128), (1, 32)),
    ("gpt2", "seq=1024,lm_head=0", hf("gpt2", 1024), (1, 8)),
    ("llama2_7b", "seq=128", hf("llama", 128), (1, 4)),
]


def measure(build, batch, flusher, nvml, reps):
    torch.manual_seed(0)
    with torch.device("cuda"):  # initialised in fp32 on the GPU (fast), then cast
        m, args, kw = build(batch)
    m = m.to(device="cuda", dtype=torch.float16).eval()
    with torch.inference_mode():
        out = m(*args, **kw)
        first = out[0] if isinstance(out, (tuple, list)) else getattr(out, "last_hidden_state", None)
        if first is None:
            first = out.logits if hasattr(out, "logits") else out
        finite = bool(torch.isfinite(first.float()).all().item())
        g = gm.capture(lambda: m(*args, **kw), 1)
        t = gm.time_cold(g.replay, flusher, nvml, reps=reps)
    del g, m, args, out, first
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    return t, finite


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--quick", action="store_true", help="batch 1 only")
    a = ap.parse_args()
    if a.reps < 20:
        sys.exit("--reps must be >= 20")
    torch.backends.cudnn.benchmark = False
    torch.backends.cuda.matmul.allow_tf32 = False
    device = torch.cuda.get_device_name(0)
    nvml = gm.Nvml()
    import transformers
    import torchvision
    print(f"device: {device}, torch {torch.__version__}, torchvision {torchvision.__version__}, transformers "
          f"{transformers.__version__}, cuDNN {torch.backends.cudnn.version()}, driver {nvml.driver_version()}",
          flush=True)
    flusher = gm.L2Flusher()
    only = set(a.only.split(",")) if a.only else None
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for name, options, build, batches in MODELS:
            if only and name not in only:
                continue
            for batch in batches[:1] if a.quick else batches:
                t0 = time.time()
                try:
                    t, finite = measure(build, batch, flusher, nvml, a.reps)
                except Exception as e:
                    print(f"SKIP {name}:{options} batch {batch}: {type(e).__name__}: {str(e).splitlines()[0][:300]}",
                          file=sys.stderr)
                    torch.cuda.empty_cache()
                    continue
                w.writerow([name, options, batch, "fp16", gm.fmt(t["median_us"]), gm.fmt(t["min_us"]),
                            gm.fmt(t["max_us"]), t["reps"], gm.fmt(t["sm_clock_mhz"]), device])
                f.flush()
                print(f"{name:16s} {options:9s} batch {batch:3d} {t['median_us']:11.1f} us (min {t['min_us']:.1f} "
                      f"max {t['max_us']:.1f}) clk {t['sm_clock_mhz']} finite={finite} [{time.time() - t0:.1f} s]",
                      flush=True)


if __name__ == "__main__":
    main()
