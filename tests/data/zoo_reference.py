#!/usr/bin/env python3
"""Writes tests/data/zoo_reference.json: parameter counts and MACs of the zoo models, counted
by PyTorch itself (independently of orrery's zoo builders), for the tests to compare against.

Conventions (batch 1):
  params        sum of numel over model.parameters() (tied weights counted once).
  MACs          forward hooks on the layers that do the multiply-accumulates:
                  nn.Conv1d/2d/3d:  output numel x (in_channels / groups) x kernel numel
                  nn.Linear:        output numel x in_features
                  transformers Conv1D (GPT-2's projections, weight [nx, nf]): output numel x nx
                attention matmuls (Q*K^T and attn*V) are not modules, so they are counted
                from the shapes: B*H*S*kv*D each, i.e. 2*B*H*S*kv*D per attention layer, with
                kv = S (prefill; the causal mask does not reduce the count).
  total         conv + linear + attention matmuls. Norms, activations, softmax, pooling and
                embeddings are not counted (they do no multiply-accumulate in this sense).

Models:
  torchvision resnet18, resnet50, vgg16, mobilenet_v2, efficientnet_b0, vit_b_16 at 3x224x224,
  r3d_18 at a 3x16x112x112 clip; all with their 1000-way (r3d_18: 400-way) classifier.
  bert_base     transformers BertModel(BertConfig()) with its pooler, no task head, seq 128.
  gpt2          transformers GPT2Model(GPT2Config()) (no LM head), seq 128 and 1024; the LM
                head's MACs (tied to the token embedding, no extra parameters) are given
                separately as lm_head_macs.
  llama2_7b     transformers LlamaForCausalLM with the published 7B config (hidden 4096, 32
                layers, 32 heads, FFN 11008, vocab 32000, untied LM head). Parameters from the
                full model built on the meta device. MACs at seq 128: hooks on a 1-layer
                instance (on the CPU) give the per-layer linear MACs, multiplied by 32, plus the
                LM head's; attention matmuls from the formula above.
Run on any machine with torch, torchvision and transformers (no GPU needed):
  python3 tests/data/zoo_reference.py [--out tests/data/zoo_reference.json]
"""
import argparse
import datetime
import json
import os
import sys

import torch
import torch.nn as nn

DATE = os.environ.get("ZOO_REFERENCE_DATE", datetime.date.today().isoformat())


def versions():
    v = f"torch {torch.__version__}"
    try:
        import torchvision
        v += f", torchvision {torchvision.__version__}"
    except ImportError:
        pass
    try:
        import transformers
        v += f", transformers {transformers.__version__}"
    except ImportError:
        pass
    return v


def conv1d_type():
    try:
        from transformers.pytorch_utils import Conv1D
        return Conv1D
    except ImportError:
        return None


def base_type(mod):
    """The torch.nn class a layer is (Conv3DSimple -> Conv3d, NonDynamicallyQuantizableLinear ->
    Linear), or transformers' Conv1D."""
    for cls in (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.MultiheadAttention, nn.Linear):
        if isinstance(mod, cls):
            return cls.__name__
    return type(mod).__name__


def count(model, inputs, per_layer=False):
    """MACs by layer type and (optionally) the per-layer list, from one forward pass."""
    hf_conv1d = conv1d_type()
    by_type = {}
    layers = []
    hooks = []

    def hook(name):
        def fn(mod, inp, out):
            if isinstance(mod, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
                k = 1
                for s in mod.kernel_size:
                    k *= s
                macs = out.numel() * (mod.in_channels // mod.groups) * k
            elif isinstance(mod, nn.MultiheadAttention):
                # Self-attention: fused q/k/v in_proj (E -> 3E) and out_proj (E -> E), both
                # applied as functions inside the module, so counted here from the output
                # (one row per query token).
                tokens = out[0].numel() // mod.embed_dim
                macs = tokens * mod.embed_dim * 3 * mod.embed_dim + tokens * mod.embed_dim * mod.embed_dim
            elif isinstance(mod, nn.Linear):
                macs = out.numel() * mod.in_features
            else:  # transformers Conv1D: y = x @ W, W [nx, nf]
                macs = out.numel() * mod.weight.shape[0]
            t = base_type(mod)
            by_type[t] = by_type.get(t, 0) + macs
            if per_layer:
                layers.append({"name": name, "type": t, "macs": macs,
                               "params": sum(p.numel() for p in mod.parameters(recurse=False))})
        return fn

    kinds = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear, nn.MultiheadAttention) + ((hf_conv1d,) if hf_conv1d else ())
    mha_out_proj = {id(m.out_proj) for m in model.modules() if isinstance(m, nn.MultiheadAttention)}
    for name, mod in model.named_modules():
        if isinstance(mod, kinds) and id(mod) not in mha_out_proj:
            hooks.append(mod.register_forward_hook(hook(name)))
    with torch.no_grad():
        model(*inputs) if isinstance(inputs, tuple) else model(**inputs)
    for h in hooks:
        h.remove()
    return by_type, layers


def params(model):
    return sum(p.numel() for p in model.parameters())


def entry(p, by_type, attn, input_desc, notes, extra=None):
    macs = dict(sorted(by_type.items()))
    macs["attention_matmul"] = attn
    macs["total"] = sum(by_type.values()) + attn
    e = {"input": input_desc, "batch": 1, "params": p, "macs": macs, "notes": notes,
         "provenance": f"tests/data/zoo_reference.py; {versions()}; {DATE}; CPU forward hooks, batch 1"}
    if extra:
        e.update(extra)
    return e


def vision_models(out):
    import torchvision.models as tvm
    import torchvision.models.video as tvv
    specs = [
        ("resnet18", tvm.resnet18, (1, 3, 224, 224), True),
        ("resnet50", tvm.resnet50, (1, 3, 224, 224), True),
        ("vgg16", tvm.vgg16, (1, 3, 224, 224), False),
        ("mobilenet_v2", tvm.mobilenet_v2, (1, 3, 224, 224), False),
        ("efficientnet_b0", tvm.efficientnet_b0, (1, 3, 224, 224), False),
        ("vit_b_16", tvm.vit_b_16, (1, 3, 224, 224), False),
        ("r3d_18", tvv.r3d_18, (1, 3, 16, 112, 112), False),
    ]
    for name, ctor, shape, per_layer in specs:
        torch.manual_seed(0)
        m = ctor().eval()
        by_type, layers = count(m, (torch.randn(*shape),), per_layer)
        attn = 0
        notes = "torchvision " + name + " with its classifier"
        if name == "vit_b_16":
            # 12 encoder layers, 12 heads of 64, 197 tokens (196 patches + class token).
            s, h, d, layers_n = 197, 12, 64, 12
            attn = layers_n * 2 * h * s * s * d
            notes += ("; nn.MultiheadAttention's projections (fused q/k/v in_proj 768->2304 and out_proj "
                      "768->768, applied as functions inside the module) are counted under "
                      "'MultiheadAttention' from the token count; attention matmuls 12 layers x 2 x 12 heads "
                      "x 197^2 x 64")
        e = entry(params(m), by_type, attn, list(shape), notes)
        if per_layer:
            e["layers"] = layers
        out[name] = e
        print(f"{name}: params {e['params']:,} MACs {e['macs']['total']:,}", flush=True)


def transformer_models(out):
    try:
        from transformers import BertConfig, BertModel, GPT2Config, GPT2Model, LlamaConfig, LlamaForCausalLM
    except ImportError:
        print("transformers missing: bert_base, gpt2, llama2_7b skipped", file=sys.stderr)
        return

    def eager(cfg):
        try:
            cfg._attn_implementation = "eager"
        except Exception:
            pass
        return cfg

    # BERT-base, seq 128, BertModel with pooler.
    torch.manual_seed(0)
    cfg = eager(BertConfig())
    m = BertModel(cfg).eval()
    seq = 128
    by_type, _ = count(m, {"input_ids": torch.randint(0, cfg.vocab_size, (1, seq))})
    attn = cfg.num_hidden_layers * 2 * cfg.num_attention_heads * seq * seq * (cfg.hidden_size // cfg.num_attention_heads)
    pooler = cfg.hidden_size * cfg.hidden_size
    out["bert_base"] = entry(params(m), by_type, attn, {"seq": seq},
                             "transformers BertModel(BertConfig()) with pooler, no task head; "
                             "attention matmuls 12 layers x 2 x 12 heads x 128^2 x 64",
                             {"options": "seq=128", "pooler_macs": pooler,
                              "pooler_params": pooler + cfg.hidden_size,
                              "embedding_params": sum(p.numel() for p in m.embeddings.parameters())})
    print(f"bert_base: params {out['bert_base']['params']:,} MACs {out['bert_base']['macs']['total']:,}", flush=True)

    # GPT-2 small, GPT2Model (no LM head), seq 128 and 1024.
    for seq in (128, 1024):
        torch.manual_seed(0)
        cfg = eager(GPT2Config())
        m = GPT2Model(cfg).eval()
        by_type, _ = count(m, {"input_ids": torch.randint(0, cfg.vocab_size, (1, seq)), "use_cache": False})
        d = cfg.n_embd // cfg.n_head
        attn = cfg.n_layer * 2 * cfg.n_head * seq * seq * d
        key = f"gpt2_seq{seq}"
        out[key] = entry(params(m), by_type, attn, {"seq": seq},
                         "transformers GPT2Model(GPT2Config()) without LM head; its projections are "
                         "transformers Conv1D (hooked); attention matmuls 12 layers x 2 x 12 heads x seq^2 x 64",
                         {"model": "gpt2", "options": f"seq={seq}", "lm_head_macs": seq * cfg.n_embd * cfg.vocab_size,
                          "lm_head_params_if_untied": cfg.n_embd * cfg.vocab_size})
        print(f"{key}: params {out[key]['params']:,} MACs {out[key]['macs']['total']:,}", flush=True)

    # Llama-2-7B: parameters on the meta device, MACs from a 1-layer instance x 32 + head.
    cfg_kw = dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
                  num_key_value_heads=32, vocab_size=32000, max_position_embeddings=4096, tie_word_embeddings=False)
    with torch.device("meta"):
        full = LlamaForCausalLM(eager(LlamaConfig(**cfg_kw)))
    p_full = params(full)
    del full
    seq = 128
    one_kw = dict(cfg_kw, num_hidden_layers=1)
    torch.manual_seed(0)
    one = LlamaForCausalLM(eager(LlamaConfig(**one_kw))).eval()
    _, layers = count(one, {"input_ids": torch.randint(0, 32000, (1, seq)), "use_cache": False}, per_layer=True)
    per_layer_macs = sum(l["macs"] for l in layers if l["name"].startswith("model.layers.0."))
    head_macs = sum(l["macs"] for l in layers if l["name"] == "lm_head")
    by_type = {"Linear": per_layer_macs * 32 + head_macs}
    attn = 32 * 2 * 32 * seq * seq * 128
    out["llama2_7b"] = entry(p_full, by_type, attn, {"seq": seq},
                             "transformers LlamaForCausalLM, published 7B config (hidden 4096, 32 layers, 32 heads, "
                             "FFN 11008, vocab 32000, untied LM head); params from the full model on the meta "
                             "device; MACs = 32 x (hooked linear MACs of layer 0 of a 1-layer instance) + LM head; "
                             "attention matmuls 32 layers x 2 x 32 heads x 128^2 x 128",
                             {"options": "seq=128", "per_layer_linear_macs": per_layer_macs, "lm_head_macs": head_macs,
                              "lm_head_params": 4096 * 32000, "embedding_params": 4096 * 32000})
    print(f"llama2_7b: params {p_full:,} MACs {out['llama2_7b']['macs']['total']:,}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "zoo_reference.json"))
    a = ap.parse_args()
    torch.set_grad_enabled(False)
    models = {}
    vision_models(models)
    transformer_models(models)
    doc = {
        "schema": 1,
        "description": "Reference parameter counts and MACs of the zoo models, counted by PyTorch forward hooks "
                       "(see tests/data/zoo_reference.py for the conventions). Independent of orrery's zoo code.",
        "generated": DATE,
        "generator": f"tests/data/zoo_reference.py ({versions()})",
        "models": models,
    }
    with open(a.out + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(a.out + ".tmp", a.out)
    print(f"wrote {a.out} ({len(models)} models)")


if __name__ == "__main__":
    main()
