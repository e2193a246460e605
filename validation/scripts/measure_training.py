#!/usr/bin/env python3
"""Training steps of the zoo's models as PyTorch users run them (issue 16), plus the eager
inference forward (issue 15's launch cost) and the one-GPU costs a parallel model needs.

  train   per (model, precision, batch): one optimizer step = zero_grad, forward, loss, backward,
          optimizer.step(). CNNs use SGD (momentum 0.9), transformers and the GCN AdamW, both with
          PyTorch's default implementation (foreach on CUDA). precision `bf16`: torch.autocast
          (bfloat16) over fp32 master weights; `fp32`: plain fp32 (PyTorch's defaults: TF32 off for
          matmuls, on for cuDNN convs). Eager step wall time (median of 10 synchronized steps);
          each phase's synchronized wall time; each phase's GPU kernel sum (torch.profiler, one
          step); the peak memory of a step (max_memory_allocated, reset before it) and the bytes
          of weights, gradients and optimizer state. Every kernel of the profiled step goes to
          training_<gpu>_kernels.csv with its phase.
  infer   eager forward (no CUDA graph), fp16 weights, NCHW inputs as a user's model.half() does:
          wall time per forward (median of 20, synchronized) and the kernel sum of one forward.
  copies  host<->device copies (pinned and pageable) and device-to-device, 4 KiB to 1 GiB; a
          one-rank NCCL all-reduce (the collective kernel's local cost).

  measure_training.py --out DIR [--gpu h100] [--only train,infer,copies] [--budget-s 400]
"""
import argparse
import csv
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_method as gm  # noqa: E402


def vision(name, res=224, classes=1000):
    import torchvision
    def build(batch):
        m = getattr(torchvision.models, name)(num_classes=classes)
        x = torch.randn(batch, 3, res, res)
        y = torch.randint(0, classes, (batch,))
        return m, (x,), lambda out: F.cross_entropy(out, y.cuda())
    return build


def video(batch):
    import torchvision
    m = torchvision.models.video.r3d_18(num_classes=400)
    x = torch.randn(batch, 3, 16, 112, 112)
    y = torch.randint(0, 400, (batch,))
    return m, (x,), lambda out: F.cross_entropy(out, y.cuda())


def bert_mlm(seq):
    def build(batch):
        from transformers import BertConfig, BertForMaskedLM
        m = BertForMaskedLM(BertConfig())
        ids = torch.randint(0, 30522, (batch, seq))
        labels = torch.randint(0, 30522, (batch, seq))
        return m, (ids,), lambda out: F.cross_entropy(out.logits.float().view(-1, out.logits.shape[-1]),
                                                      labels.cuda().view(-1))
    return build


def gpt2_lm(seq):
    def build(batch):
        from transformers import GPT2Config, GPT2LMHeadModel
        m = GPT2LMHeadModel(GPT2Config(n_positions=max(1024, seq)))
        ids = torch.randint(0, 50257, (batch, seq))
        return m, (ids,), lambda out: F.cross_entropy(out.logits.float().view(-1, out.logits.shape[-1]),
                                                      ids.cuda().view(-1))
    return build


def llama(seq, layers=2):
    def build(batch):
        from transformers import LlamaConfig, LlamaForCausalLM
        cfg = LlamaConfig(hidden_size=4096, intermediate_size=11008, num_attention_heads=32, num_key_value_heads=32,
                          num_hidden_layers=layers, vocab_size=32000, max_position_embeddings=4096)
        m = LlamaForCausalLM(cfg)
        ids = torch.randint(0, 32000, (batch, seq))
        return m, (ids,), lambda out: F.cross_entropy(out.logits.float().view(-1, out.logits.shape[-1]),
                                                      ids.cuda().view(-1))
    return build


def gcn(batch):
    """Two GCNConv layers (PyG) on a random graph of ogbn-arxiv's size; `batch` is unused (1)."""
    from torch_geometric.nn import GCNConv
    nodes, edges, feats, hidden, classes = 169343, 1166243, 128, 256, 40

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.c2 = GCNConv(feats, hidden), GCNConv(hidden, classes)

        def forward(self, x, ei):
            return self.c2(F.relu(self.c1(x, ei)), ei)
    x = torch.randn(nodes, feats)
    ei = torch.randint(0, nodes, (2, edges))
    y = torch.randint(0, classes, (nodes,))
    return Net(), (x, ei), lambda out: F.cross_entropy(out, y.cuda())


# (zoo name, orrery model options, builder, optimizer, batches)
MODELS = [
    ("resnet18", "", vision("resnet18"), "sgd", [32, 128]),
    ("resnet50", "", vision("resnet50"), "sgd", [32, 128]),
    ("mobilenet_v2", "", vision("mobilenet_v2"), "sgd", [32, 128]),
    ("vgg16", "", vision("vgg16"), "sgd", [16, 64]),
    ("efficientnet_b0", "", vision("efficientnet_b0"), "sgd", [32, 128]),
    ("r3d_18", "", video, "sgd", [4, 16]),
    ("vit_b_16", "", vision("vit_b_16"), "adamw", [16, 64]),
    ("bert_base", "seq=128,head=mlm", bert_mlm(128), "adamw", [16, 64]),
    ("gpt2", "seq=512", gpt2_lm(512), "adamw", [4, 16]),
    ("llama2_7b", "layers=2,seq=512", llama(512), "adamw", [2, 4]),
    ("gcn", "nodes=169343,edges=1166243,features=128,hidden=256,classes=40", gcn, "adamw", [1]),
]


def tensors_bytes(ts):
    return sum(t.numel() * t.element_size() for t in ts)


def profile_phases(step_fns):
    """{phase: [(kernel, us)]}: one profiled step, each phase in a record_function range that
    ends after a synchronize; kernels assigned to the range their start falls in."""
    from torch.profiler import ProfilerActivity, profile, record_function
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for phase, fn in step_fns:
            with record_function(f"orrery_phase_{phase}"):
                fn()
                torch.cuda.synchronize()
    ranges, kernels = [], []
    for e in prof.events():
        cuda = str(getattr(e, "device_type", "")).endswith("CUDA")
        if e.name.startswith("orrery_phase_") and not cuda:
            ranges.append((e.time_range.start, e.time_range.end, e.name[len("orrery_phase_"):]))
        # GPU-side ranges of record_function (torch.optim's "Optimizer.step#AdamW.step") span
        # kernels already counted: not kernels themselves.
        elif cuda and not e.name.startswith(("orrery_phase_", "Optimizer.")):
            kernels.append((e.time_range.start, e.name, float(e.time_range.elapsed_us())))
    out = {p: [] for p, _ in step_fns}
    for start, name, us in sorted(kernels):
        for r0, r1, p in ranges:
            if r0 <= start <= r1:
                out[p].append((name, us))
                break
    return out


def setup_training(build, opt_name, batch):
    """(model on the GPU in train mode, its inputs, loss function, trainable parameters, optimizer)."""
    torch.manual_seed(0)
    m, inputs, loss_of = build(batch)
    m = m.cuda().train()
    inputs = tuple(t.cuda() for t in inputs)
    params = [p for p in m.parameters() if p.requires_grad]
    if opt_name == "sgd":
        opt = torch.optim.SGD(params, lr=1e-3, momentum=0.9)
    else:
        opt = torch.optim.AdamW(params, lr=1e-4)
    return m, inputs, loss_of, params, opt


def train_one(name, options, build, opt_name, batch, precision, wr, wk, device):
    m, inputs, loss_of, params, opt = setup_training(build, opt_name, batch)
    state = {}

    def zero():
        opt.zero_grad(set_to_none=True)

    def fwd():
        if precision == "bf16":
            with torch.autocast("cuda", dtype=torch.bfloat16):
                state["loss"] = loss_of(m(*inputs))
        else:
            state["loss"] = loss_of(m(*inputs))

    def bwd():
        state["loss"].backward()
        state.pop("loss")

    def step():
        opt.step()

    def full():
        zero()
        fwd()
        bwd()
        step()
    for _ in range(3):
        full()
    torch.cuda.synchronize()
    weights = tensors_bytes(params)
    grads = tensors_bytes([p.grad for p in params if p.grad is not None])
    optstate = tensors_bytes([t for s in opt.state.values() for t in s.values() if torch.is_tensor(t) and t.is_cuda])
    steps, phases = [], {"forward": [], "backward": [], "optimizer": []}
    torch.cuda.reset_peak_memory_stats()
    for _ in range(10):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        full()
        torch.cuda.synchronize()
        steps.append(1e3 * (time.perf_counter() - t0))
    peak_alloc, peak_res = torch.cuda.max_memory_allocated(), torch.cuda.max_memory_reserved()
    for _ in range(5):
        zero()
        for ph, fn in (("forward", fwd), ("backward", bwd), ("optimizer", step)):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            phases[ph].append(1e3 * (time.perf_counter() - t0))
    zero()
    ks = profile_phases([("forward", fwd), ("backward", bwd), ("optimizer", step)])
    ksum = {p: sum(u for _, u in ks[p]) / 1e3 for p in ks}
    wr.writerow([name, options, batch, precision, opt_name, device, gm.fmt(statistics.median(steps)), gm.fmt(min(steps)),
                 gm.fmt(statistics.median(phases["forward"])), gm.fmt(statistics.median(phases["backward"])),
                 gm.fmt(statistics.median(phases["optimizer"])), gm.fmt(ksum["forward"]), gm.fmt(ksum["backward"]),
                 gm.fmt(ksum["optimizer"]), sum(len(v) for v in ks.values()), peak_alloc, peak_res, weights, grads,
                 optstate, "ok"])
    for ph, kl in ks.items():
        for order, (kn, us) in enumerate(kl):
            wk.writerow([name, options, batch, precision, ph, order, kn[:300], gm.fmt(us)])
    print(f"train {name}:{options} b{batch} {precision}: step {statistics.median(steps):.2f} ms, kernels f/b/o "
          f"{ksum['forward']:.2f}/{ksum['backward']:.2f}/{ksum['optimizer']:.2f} ms, peak {peak_alloc / 2**30:.2f} GiB",
          flush=True)
    del m, opt, inputs, params, state


def part_train(out, gpu, budget_s):
    device = torch.cuda.get_device_name(0)
    with open(os.path.join(out, f"training_{gpu}.csv"), "w", newline="") as f, \
         open(os.path.join(out, f"training_{gpu}_kernels.csv"), "w", newline="") as fk:
        wr, wk = csv.writer(f), csv.writer(fk)
        wr.writerow(["model", "options", "batch", "precision", "optimizer", "device", "step_ms", "step_min_ms",
                     "forward_ms", "backward_ms", "optimizer_ms", "forward_kernel_ms", "backward_kernel_ms",
                     "optimizer_kernel_ms", "kernel_count", "peak_allocated_bytes", "peak_reserved_bytes",
                     "weights_bytes", "gradients_bytes", "optimizer_bytes", "status"])
        wk.writerow(["model", "options", "batch", "precision", "phase", "order", "kernel", "us"])
        t0 = time.time()
        for name, options, build, opt_name, batches in MODELS:
            for batch in batches:
                for precision in ("bf16", "fp32"):
                    if time.time() - t0 > budget_s:
                        print("train: budget reached", flush=True)
                        return
                    try:
                        train_one(name, options, build, opt_name, batch, precision, wr, wk, device)
                    except Exception as e:
                        msg = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
                        print(f"train {name} b{batch} {precision} FAILED: {msg}", flush=True)
                        wr.writerow([name, options, batch, precision, opt_name, device] + [""] * 14 + ["error: " + msg])
                    f.flush()
                    fk.flush()
                    torch.cuda.empty_cache()


def part_infer(out, gpu, budget_s):
    device = torch.cuda.get_device_name(0)
    with open(os.path.join(out, f"inference_eager_{gpu}.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["model", "options", "batch", "dtype", "device", "eager_ms", "eager_min_ms", "kernel_ms",
                     "kernel_count", "status"])
        t0 = time.time()
        for name, options, build, _, batches in MODELS:
            for batch in sorted(set([1] + batches[:1])):
                if time.time() - t0 > budget_s:
                    return
                try:
                    torch.manual_seed(0)
                    m, inputs, _ = build(batch)
                    m = m.cuda().half().eval()
                    inputs = tuple(t.cuda().half() if t.is_floating_point() else t.cuda() for t in inputs)
                    with torch.inference_mode():
                        for _ in range(3):
                            m(*inputs)
                        ts = []
                        for _ in range(20):
                            torch.cuda.synchronize()
                            a = time.perf_counter()
                            m(*inputs)
                            torch.cuda.synchronize()
                            ts.append(1e3 * (time.perf_counter() - a))
                        ks = profile_phases([("forward", lambda: m(*inputs))])["forward"]
                    wr.writerow([name, options, batch, "fp16", device, gm.fmt(statistics.median(ts)), gm.fmt(min(ts)),
                                 gm.fmt(sum(u for _, u in ks) / 1e3), len(ks), "ok"])
                    print(f"infer {name} b{batch}: eager {statistics.median(ts):.3f} ms, kernels "
                          f"{sum(u for _, u in ks) / 1e3:.3f} ms ({len(ks)})", flush=True)
                    del m, inputs
                except Exception as e:
                    msg = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
                    wr.writerow([name, options, batch, "fp16", device, "", "", "", "", "error: " + msg])
                f.flush()
                torch.cuda.empty_cache()


def part_copies(out, gpu):
    device = torch.cuda.get_device_name(0)
    rows = []

    def timed(fn, reps):
        fn()
        torch.cuda.synchronize()
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        us = []
        for _ in range(reps):
            a.record()
            fn()
            b.record()
            b.synchronize()
            us.append(1000.0 * a.elapsed_time(b))
        return statistics.median(us)
    for size in [4 << 10, 64 << 10, 1 << 20, 16 << 20, 256 << 20, 1 << 30]:
        n = size // 4
        d = torch.empty(n, device="cuda")
        d2 = torch.empty(n, device="cuda")
        hp = torch.empty(n, pin_memory=True)
        hq = torch.empty(n)
        reps = 20 if size <= (16 << 20) else 5
        for what, fn in (("h2d_pinned", lambda: d.copy_(hp, non_blocking=True)),
                         ("d2h_pinned", lambda: hp.copy_(d, non_blocking=True)),
                         ("h2d_pageable", lambda: d.copy_(hq)), ("d2h_pageable", lambda: hq.copy_(d)),
                         ("d2d", lambda: d2.copy_(d))):
            us = timed(fn, reps)
            rows.append([what, size, device, gm.fmt(us), gm.fmt(size / us / 1e3)])
        del d, d2, hp, hq
    try:
        import torch.distributed as dist
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", "29511")
        os.environ.setdefault("NCCL_NVLS_ENABLE", "0")
        dist.init_process_group("nccl", rank=0, world_size=1, device_id=torch.device("cuda:0"))
        for size in [4 << 10, 1 << 20, 64 << 20, 1 << 30]:
            t = torch.ones(size // 4, device="cuda")
            us = timed(lambda: dist.all_reduce(t), 10)
            rows.append(["nccl_allreduce_1rank", size, device, gm.fmt(us), gm.fmt(size / us / 1e3)])
        dist.destroy_process_group()
    except Exception as e:
        print(f"nccl one-rank failed: {type(e).__name__}: {e}", flush=True)
    gm.write_csv(os.path.join(out, f"copies_{gpu}.csv"), ["what", "bytes", "device", "us", "GB_per_s"], rows)
    for r in rows:
        print("copy", *r, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gpu", default="h100")
    ap.add_argument("--only", default="copies,infer,train")
    ap.add_argument("--budget-s", type=float, default=400)
    ap.add_argument("--models", default="", help="comma-separated zoo names (default: all)")
    a = ap.parse_args()
    if a.models:
        MODELS[:] = [m for m in MODELS if m[0] in a.models.split(",")]
    os.makedirs(a.out, exist_ok=True)
    gm.run_parts(a.only, [("copies", lambda: part_copies(a.out, a.gpu)),
                          ("infer", lambda: part_infer(a.out, a.gpu, a.budget_s / 4)),
                          ("train", lambda: part_train(a.out, a.gpu, a.budget_s))])


if __name__ == "__main__":
    main()
