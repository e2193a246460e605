#!/usr/bin/env python3
"""The host side of PyTorch eager execution, piece by piece (issue 16: eager training steps).

Every case runs on tiny tensors, so the GPU is never the bottleneck and the time measured is the
CPU's: the host time of one call in a loop of unsynchronized calls (median of 7 loops of 200).

  prims   one row per (case, mode):
          - forward ops called as functions: mode `nograd` (torch.no_grad(), as inference) and
            `grad` (parameters and inputs require grad, grad mode on: autograd records a node and
            saves what the backward needs; the graph is freed when the output is dropped);
          - views and metadata ops (view, transpose, permute, reshape, chunk, size) in both modes;
          - modules: a leaf nn.Module call against the function it wraps, one container level
            (a Python forward calling a child), autocast's cast of an fp32 weight;
          - backward: a chain of 32 identical ops (parameters where the op has them), host time of
            loss.backward() per node (mode `backward`), with the kernels one backward launches per
            node (torch.profiler).
  models  structural counts of the zoo's models as PyTorch runs them (one training forward under
          bf16 autocast, its backward): module calls, ATen ops called from Python (depth 0) and in
          all, kernels, autograd nodes; and the host time of the forward and of the backward
          (time to return, no synchronization: the host's own time while the launch queue has room).
  atens   per op as the zoo's models call it (functions and nn.Modules, training mode, grad mode on,
          fp32 and under bf16 autocast): ATen ops called from Python (depth 0) and in all, kernels,
          and the host time of one call, so that a host model can charge per ATen call.

  measure_host_costs.py --out DIR [--gpu h100] [--only prims,models,atens]
"""
import argparse
import csv
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_method as gm  # noqa: E402

DEV = "cuda"


def host_us(fn, calls=200, loops=7):
    for _ in range(20):
        fn()
    torch.cuda.synchronize()
    out = []
    for _ in range(loops):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        out.append(1e6 * (time.perf_counter() - t0) / calls)
        torch.cuda.synchronize()
    return statistics.median(out)


def tensors(grad):
    """Tiny operands; `grad`: parameters and activations require grad."""
    g = torch.Generator(device="cpu").manual_seed(0)

    def t(*shape, dtype=torch.float32, rg=grad):
        return torch.randn(*shape, generator=g).to(DEV, dtype).requires_grad_(rg)
    T = {
        "x": t(8, 64), "y": t(8, 64), "w": t(64, 64), "b": t(64), "lnw": t(64), "lnb": t(64),
        "img": t(2, 8, 8, 8), "cw": t(8, 8, 3, 3), "cb": t(8), "bnw": t(8), "bnb": t(8),
        "q": t(1, 2, 16, 64, dtype=torch.bfloat16), "k": t(1, 2, 16, 64, dtype=torch.bfloat16),
        "v": t(1, 2, 16, 64, dtype=torch.bfloat16), "emb": t(100, 64),
    }
    T["rm"], T["rv"] = torch.zeros(8, device=DEV), torch.ones(8, device=DEV)
    T["idx"] = torch.randint(0, 100, (8,), device=DEV)
    T["tgt"] = torch.randint(0, 64, (8,), device=DEV)
    return T


# name -> f(T): the op called as a function
FORWARD = {
    "add": lambda T: T["x"] + T["y"],
    "relu": lambda T: torch.relu(T["x"]),
    "gelu": lambda T: F.gelu(T["x"]),
    "dropout": lambda T: F.dropout(T["x"], 0.1, training=True),
    "layer_norm": lambda T: F.layer_norm(T["x"], (64,), T["lnw"], T["lnb"]),
    "softmax": lambda T: torch.softmax(T["x"], -1),
    "linear": lambda T: F.linear(T["x"], T["w"], T["b"]),
    "matmul": lambda T: T["x"] @ T["w"],
    "conv2d": lambda T: F.conv2d(T["img"], T["cw"], T["cb"], padding=1),
    "batch_norm_train": lambda T: F.batch_norm(T["img"], T["rm"], T["rv"], T["bnw"], T["bnb"], training=True),
    "max_pool2d": lambda T: F.max_pool2d(T["img"], 2),
    "embedding": lambda T: F.embedding(T["idx"], T["emb"]),
    "sdpa": lambda T: F.scaled_dot_product_attention(T["q"], T["k"], T["v"]),
    "cross_entropy": lambda T: F.cross_entropy(T["x"], T["tgt"]),
    "cast_bf16": lambda T: T["x"].to(torch.bfloat16),
    "view": lambda T: T["x"].view(8, 2, 32),
    "transpose": lambda T: T["x"].transpose(0, 1),
    "permute": lambda T: T["img"].permute(0, 2, 3, 1),
    "reshape_view": lambda T: T["x"].reshape(2, 4, 64),
    "chunk3": lambda T: T["x"].chunk(2, -1),
    "size": lambda T: T["x"].size(-1),
}

# name -> (f(T, y) -> y of the same shape, operand key of the chain)
CHAIN = {
    "add": (lambda T, y: y + T["y"], "x"),
    "relu": (lambda T, y: torch.relu(y), "x"),
    "gelu": (lambda T, y: F.gelu(y), "x"),
    "dropout": (lambda T, y: F.dropout(y, 0.1, training=True), "x"),
    "layer_norm": (lambda T, y: F.layer_norm(y, (64,), T["lnw"], T["lnb"]), "x"),
    "softmax": (lambda T, y: torch.softmax(y, -1), "x"),
    "linear": (lambda T, y: F.linear(y, T["w"], T["b"]), "x"),
    "matmul": (lambda T, y: y @ T["w"], "x"),
    "conv2d": (lambda T, y: F.conv2d(y, T["cw"], T["cb"], padding=1), "img"),
    "batch_norm_train": (lambda T, y: F.batch_norm(y, T["rm"], T["rv"], T["bnw"], T["bnb"], training=True), "img"),
    "view_transpose": (lambda T, y: y.view(8, 2, 32).transpose(0, 1).reshape(8, 64), "x"),
    "sdpa": (lambda T, y: F.scaled_dot_product_attention(y, T["k"], T["v"]), "q"),
    "cast_roundtrip": (lambda T, y: y.to(torch.bfloat16).to(torch.float32), "x"),
}


def kernels_in(fn):
    from torch.profiler import ProfilerActivity, profile
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    return sum(1 for e in prof.events() if str(getattr(e, "device_type", "")).endswith("CUDA"))


def part_prims(out, gpu):
    path = os.path.join(out, f"host_costs_{gpu}.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["case", "mode", "host_us", "kernels_per_call", "device", "status"])
        dev = torch.cuda.get_device_name()

        def row(case, mode, fn, count_kernels=True):
            try:
                us = host_us(fn)
                k = kernels_in(fn) if count_kernels else ""
                w.writerow([case, mode, gm.fmt(us), k, dev, "ok"])
                print(f"{case:22s} {mode:8s} {us:7.2f} us  kernels {k}", flush=True)
            except Exception as e:  # one line per refused case, the run goes on
                w.writerow([case, mode, "", "", dev, f"error: {type(e).__name__}: {str(e)[:120]}"])
                print(f"{case} {mode}: {e}", flush=True)

        Tn, Tg = tensors(False), tensors(True)
        for name, f_ in FORWARD.items():
            with torch.no_grad():
                row(name, "nograd", lambda: f_(Tn))
            row(name, "grad", lambda: f_(Tg))
        # Modules against the functions they wrap, and one container level.
        relu, lin = nn.ReLU().to(DEV), nn.Linear(64, 64).to(DEV)

        class Wrap(nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, x):
                return self.m(x)
        wrap2 = Wrap(Wrap(relu)).to(DEV)
        seq10 = nn.Sequential(*[nn.ReLU() for _ in range(10)]).to(DEV)
        for mode, ctx in (("nograd", torch.no_grad), ("grad", torch.enable_grad)):
            x = Tn["x"] if mode == "nograd" else Tg["x"]
            with ctx():
                row("module_relu", mode, lambda: relu(x))
                row("module_linear", mode, lambda: lin(x))
                row("module_wrap2_relu", mode, lambda: wrap2(x))
                row("module_sequential10_relu", mode, lambda: seq10(x))
                row("functional10_relu", mode, lambda: [torch.relu(x) for _ in range(10)])
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    row("autocast_linear", mode, lambda: lin(x))
                    row("autocast_add", mode, lambda: x + x)
        # Backward: chains of 32 identical ops.
        depth = 32
        for name, (f_, key) in CHAIN.items():
            T = tensors(True)

            def build():
                y = T[key]
                for _ in range(depth):
                    y = f_(T, y)
                return y.float().sum()
            try:
                for _ in range(3):
                    build().backward()
                times = []
                for _ in range(7):
                    loss = build()
                    torch.cuda.synchronize()
                    t0 = time.perf_counter()
                    loss.backward()
                    times.append(1e6 * (time.perf_counter() - t0) / depth)
                    torch.cuda.synchronize()
                loss = build()
                k = kernels_in(lambda: loss.backward()) / depth
                w.writerow([name, "backward", gm.fmt(statistics.median(times)), gm.fmt(k), dev, "ok"])
                print(f"{name:22s} backward {statistics.median(times):7.2f} us/node kernels/node {k:.2f}", flush=True)
            except Exception as e:
                w.writerow([name, "backward", "", "", dev, f"error: {type(e).__name__}: {str(e)[:120]}"])
                print(f"{name} backward: {e}", flush=True)


def part_models(out, gpu):
    import measure_training as mt
    from torch.profiler import ProfilerActivity, profile
    path = os.path.join(out, f"host_models_{gpu}.csv")
    small = {"resnet18": 1, "resnet50": 1, "mobilenet_v2": 1, "vgg16": 1, "efficientnet_b0": 1, "r3d_18": 1,
             "vit_b_16": 1, "bert_base": 1, "gpt2": 1, "llama2_7b": 1}
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "options", "batch", "precision", "phase", "host_ms", "module_calls", "aten_top",
                    "aten_all", "kernels", "autograd_nodes", "device", "status"])
        dev = torch.cuda.get_device_name()
        for name, options, build, _, _ in mt.MODELS:
            if name not in small:
                continue
            try:
                torch.manual_seed(0)
                m, inputs, loss_of = build(small[name])
                m = m.cuda().train()
                inputs = tuple(t.cuda() for t in inputs)
                calls = [0]
                hooks = [mod.register_forward_pre_hook(lambda *_: calls.__setitem__(0, calls[0] + 1))
                         for mod in m.modules()]

                def fwd():
                    with torch.autocast("cuda", dtype=torch.bfloat16):
                        return loss_of(m(*inputs))
                for _ in range(3):
                    fwd().backward()
                    m.zero_grad(set_to_none=True)
                calls[0] = 0
                fwd().backward()
                module_calls = calls[0]
                for h in hooks:
                    h.remove()
                m.zero_grad(set_to_none=True)
                tf, tb = [], []
                for _ in range(7):
                    torch.cuda.synchronize()
                    t0 = time.perf_counter()
                    loss = fwd()
                    t1 = time.perf_counter()
                    torch.cuda.synchronize()
                    t2 = time.perf_counter()
                    loss.backward()
                    t3 = time.perf_counter()
                    torch.cuda.synchronize()
                    m.zero_grad(set_to_none=True)
                    tf.append(1e3 * (t1 - t0))
                    tb.append(1e3 * (t3 - t2))
                counts = {}
                for phase in ("forward", "backward"):
                    loss = fwd() if phase == "backward" else None
                    torch.cuda.synchronize()
                    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
                        if phase == "forward":
                            loss = fwd()
                        else:
                            loss.backward()
                        torch.cuda.synchronize()
                    ev = prof.events()
                    cpu = [e for e in ev if not str(getattr(e, "device_type", "")).endswith("CUDA")]
                    counts[phase] = (
                        sum(1 for e in cpu if e.name.startswith("aten::") and e.cpu_parent is None),
                        sum(1 for e in cpu if e.name.startswith("aten::")),
                        sum(1 for e in ev if str(getattr(e, "device_type", "")).endswith("CUDA")),
                        sum(1 for e in cpu if e.name.startswith("autograd::engine::evaluate_function")))
                    m.zero_grad(set_to_none=True)
                for phase, t in (("forward", tf), ("backward", tb)):
                    c = counts[phase]
                    w.writerow([name, options, small[name], "bf16", phase, gm.fmt(statistics.median(t)),
                                module_calls if phase == "forward" else "", c[0], c[1], c[2], c[3], dev, "ok"])
                    print(f"{name} {phase}: host {statistics.median(t):.2f} ms, modules {module_calls}, aten top/all "
                          f"{c[0]}/{c[1]}, kernels {c[2]}, nodes {c[3]}", flush=True)
                del m, inputs
                torch.cuda.empty_cache()
            except Exception as e:
                w.writerow([name, options, small[name], "bf16", "", "", "", "", "", "", "", dev,
                            f"error: {type(e).__name__}: {str(e)[:120]}"])
                print(f"{name}: {e}", flush=True)


def aten_counts(fn):
    """(ATen ops at depth 0, ATen ops in all, kernels) of one call, from the profiler."""
    from torch.profiler import ProfilerActivity, profile
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    ev = prof.events()
    cpu = [e for e in ev if not str(getattr(e, "device_type", "")).endswith("CUDA")]
    aten = [e for e in cpu if e.name.startswith("aten::")]
    top = sum(1 for e in aten if e.cpu_parent is None or not e.cpu_parent.name.startswith("aten::"))
    return top, len(aten), sum(1 for e in ev if str(getattr(e, "device_type", "")).endswith("CUDA"))


def part_atens(out, gpu):
    path = os.path.join(out, f"host_atens_{gpu}.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["case", "mode", "host_us", "aten_top", "aten_all", "kernels", "device", "status"])
        dev = torch.cuda.get_device_name()

        def row(case, mode, fn):
            try:
                us = host_us(fn)
                top, all_, k = aten_counts(fn)
                w.writerow([case, mode, gm.fmt(us), top, all_, k, dev, "ok"])
                print(f"{case:22s} {mode:14s} {us:7.2f} us  aten {top}/{all_}  kernels {k}", flush=True)
            except Exception as e:
                w.writerow([case, mode, "", "", "", "", dev, f"error: {type(e).__name__}: {str(e)[:120]}"])
                print(f"{case} {mode}: {e}", flush=True)

        Tg = tensors(True)
        # Modules as the zoo's models hold them (training mode), on tiny operands.
        mods = {
            "Conv2d": (nn.Conv2d(8, 8, 3, padding=1, bias=False), "img"),
            "Conv2d_bias": (nn.Conv2d(8, 8, 3, padding=1), "img"),
            "BatchNorm2d": (nn.BatchNorm2d(8), "img"),
            "ReLU_inplace": (nn.ReLU(inplace=True), None),
            "ReLU": (nn.ReLU(), "x"),
            "MaxPool2d": (nn.MaxPool2d(2), "img"),
            "AdaptiveAvgPool2d": (nn.AdaptiveAvgPool2d(1), "img"),
            "Linear": (nn.Linear(64, 64), "x"),
            "LayerNorm": (nn.LayerNorm(64), "x"),
            "GELU": (nn.GELU(), "x"),
            "Dropout": (nn.Dropout(0.1), "x"),
            "Embedding": (nn.Embedding(100, 64), "idx"),
            "MultiheadAttention": (nn.MultiheadAttention(64, 2, batch_first=True), "seq"),
        }
        seq = torch.randn(2, 8, 64, device=DEV, requires_grad=True)
        for mode in ("grad_fp32", "grad_autocast"):
            ac = torch.autocast("cuda", dtype=torch.bfloat16, enabled=mode == "grad_autocast")
            with ac:
                for name, f_ in FORWARD.items():
                    row("fn_" + name, mode, lambda: f_(Tg))
                for name, (m, key) in mods.items():
                    m = m.to(DEV).train()
                    if key is None:  # in place: on a fresh non-leaf each call
                        row("mul_then_mod_" + name, mode, lambda: m(Tg["img"] * 1.0))
                    elif key == "seq":
                        row("mod_" + name, mode, lambda: m(seq, seq, seq, need_weights=False))
                    else:
                        row("mod_" + name, mode, lambda: m(Tg[key]))
                row("residual_add", mode, lambda: Tg["img"] + Tg["img"])
                row("flatten", mode, lambda: torch.flatten(Tg["img"], 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gpu", default="h100")
    ap.add_argument("--only", default="prims,models,atens")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    gm.run_parts(a.only, [("prims", lambda: part_prims(a.out, a.gpu)),
                          ("models", lambda: part_models(a.out, a.gpu)),
                          ("atens", lambda: part_atens(a.out, a.gpu))])


if __name__ == "__main__":
    main()
