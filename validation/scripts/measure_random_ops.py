#!/usr/bin/env python3
"""The generalization set of issue 15: random op specs (random_op_specs.py) run the way PyTorch
users run them, with PyTorch's defaults (NCHW tensors unless the spec says layout=nhwc, the SDPA
backend PyTorch picks unless backend= forces one, TF32 off for matmuls and on for cuDNN convs as
PyTorch ships, torch._int_mm for int8, torch._scaled_mm for fp8).

Per op, written as soon as it is measured (a run cut short keeps its rows):
  - kernel time: gpu_method.time_cold (L2 flushed, GPU spin, CUDA events, median);
  - eager cost: the host time of one call in a loop of calls with no synchronization
    (`host_us`, PyTorch's dispatch) and the wall time per call of that loop through the final
    synchronization (`eager_us` = max(host, GPU) in steady state);
  - the kernels one call launches, with each one's GPU time (torch.profiler), to
    random_ops_<gpu>_kernels.csv;
  - NVML energy per call for every sixth op (1 s loop of CUDA-graph replays) when it runs >= 10 us.

  measure_random_ops.py --out DIR [--gpu h100] [--count 1200] [--seed 15] [--budget-s 400] [--limit N]
                        [--kinds ops|train]
"""
import argparse
import csv
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_method as gm  # noqa: E402
import random_op_specs  # noqa: E402

DT = {"fp32": torch.float32, "tf32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "efficient": SDPBackend.EFFICIENT_ATTENTION,
            "cudnn": SDPBackend.CUDNN_ATTENTION, "math": SDPBackend.MATH}
COLUMNS = ["index", "spec", "group", "kind", "dtype", "device", "median_us", "min_us", "max_us", "reps",
           "sm_clock_mhz", "host_us", "eager_us", "energy_j", "avg_power_w", "energy_reps", "kernel_count",
           "kernels", "kernel_sum_us", "status"]


def rnd(*shape, dtype=torch.float16, gen=None):
    return (torch.rand(*shape, device="cuda", dtype=torch.float32, generator=gen) * 2 - 1).to(dtype)


def nhwc(t, layout):
    if layout != "nhwc":
        return t
    return t.contiguous(memory_format=torch.channels_last if t.dim() == 4 else torch.channels_last_3d)


class Tf32:
    """TF32 for matmuls inside the call only (PyTorch's default is off)."""

    def __init__(self, on):
        self.on = on

    def __enter__(self):
        self.old = torch.backends.cuda.matmul.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = self.on

    def __exit__(self, *a):
        torch.backends.cuda.matmul.allow_tf32 = self.old


def build(spec, gen):
    """The op as a zero-argument callable on fresh random inputs (PyTorch's defaults)."""
    kind, a = gm.parse_spec(spec)
    i = lambda k, d=None: int(a[k]) if k in a else d  # noqa: E731
    dtname = a.get("dtype", "fp16")
    layout = a.get("layout", "nchw")
    pass_ = a.get("pass", "forward")
    if kind == "gemm":
        m, n, k, b = i("M"), i("N"), i("K"), i("B", 1)
        if dtname == "int8":
            x = torch.randint(-8, 8, (m, k), device="cuda", dtype=torch.int8)
            w = torch.randint(-8, 8, (k, n), device="cuda", dtype=torch.int8)
            return lambda: torch._int_mm(x, w)
        if dtname == "fp8_e4m3":
            x = rnd(m, k, dtype=torch.bfloat16, gen=gen).to(torch.float8_e4m3fn)
            w = rnd(n, k, dtype=torch.bfloat16, gen=gen).to(torch.float8_e4m3fn)
            one = torch.tensor(1.0, device="cuda")
            return lambda: torch._scaled_mm(x, w.t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
        dt = DT[dtname]
        tf32 = dtname == "tf32"
        if b > 1:
            x, w = rnd(b, m, k, dtype=dt, gen=gen), rnd(b, k, n, dtype=dt, gen=gen)

            def f():
                with Tf32(tf32):
                    return torch.bmm(x, w)
            return f
        ta, tb = i("transA", 0), i("transB", 0)
        if ta or tb:
            x = rnd(k, m, dtype=dt, gen=gen).t() if ta else rnd(m, k, dtype=dt, gen=gen)
            w = rnd(k, n, dtype=dt, gen=gen) if tb else rnd(n, k, dtype=dt, gen=gen).t()

            def f():
                with Tf32(tf32):
                    return torch.mm(x, w)
            return f
        x, w = rnd(m, k, dtype=dt, gen=gen), rnd(n, k, dtype=dt, gen=gen)
        bias = rnd(n, dtype=dt, gen=gen) if i("bias", 0) else None

        def f():
            with Tf32(tf32):
                return F.linear(x, w, bias)
        return f
    dt = DT.get(dtname, torch.float16)
    if kind in ("conv2d", "conv3d"):
        n, c, h, w_, kout = i("N"), i("C"), i("H"), i("W"), i("K")
        r, s, st, pad, groups = i("R"), i("S"), i("stride", 1), i("pad", 0), i("groups", 1)
        if kind == "conv3d":
            d, t = i("D"), i("T")
            x = nhwc(rnd(n, c, d, h, w_, dtype=dt, gen=gen), layout)
            wt = nhwc(rnd(kout, c // groups, t, r, s, dtype=dt, gen=gen), layout)
            conv, dims = F.conv3d, 3
        else:
            x = nhwc(rnd(n, c, h, w_, dtype=dt, gen=gen), layout)
            wt = nhwc(rnd(kout, c // groups, r, s, dtype=dt, gen=gen), layout)
            conv, dims = F.conv2d, 2
        if pass_ == "forward":
            return lambda: conv(x, wt, None, st, pad, 1, groups)
        y = conv(x, wt, None, st, pad, 1, groups)
        dy = nhwc(rnd(*y.shape, dtype=dt, gen=gen), layout)
        mask = [pass_ == "backward_data", pass_ == "backward_weight", False]
        return lambda: torch.ops.aten.convolution_backward(dy, x, wt, None, [st] * dims, [pad] * dims, [1] * dims,
                                                           False, [0] * dims, groups, mask)
    if kind == "attention":
        b, h, sq, d = i("B"), i("H"), i("S"), i("D")
        kv, kvh, causal = i("kv", sq), i("kv_heads", h), bool(i("causal", 0))
        backend = a.get("backend", "auto")
        q = rnd(b, h, sq, d, dtype=dt, gen=gen)
        k = rnd(b, kvh, kv, d, dtype=dt, gen=gen)
        v = rnd(b, kvh, kv, d, dtype=dt, gen=gen)
        gqa = kvh != h
        ctx = (lambda: sdpa_kernel([BACKENDS[backend]])) if backend != "auto" else None

        def fwd():
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=gqa)
        if pass_ == "backward":
            for t_ in (q, k, v):
                t_.requires_grad_(True)
            if ctx:
                with ctx():
                    o = fwd()
            else:
                o = fwd()
            do = rnd(*o.shape, dtype=dt, gen=gen)

            def f():
                return torch.autograd.grad(o, (q, k, v), do, retain_graph=True)
            return f
        if ctx:
            def f():
                with ctx():
                    return fwd()
            return f
        return fwd
    if kind in ("layernorm", "rmsnorm"):
        rows, cols = i("rows"), i("cols")
        x, g, bb = rnd(rows, cols, dtype=dt, gen=gen), rnd(cols, dtype=dt, gen=gen), rnd(cols, dtype=dt, gen=gen)
        if kind == "layernorm":
            return lambda: F.layer_norm(x, (cols,), g, bb)
        return lambda: F.rms_norm(x, (cols,), g)
    if kind == "softmax":
        x = rnd(i("rows"), i("cols"), dtype=dt, gen=gen)
        return lambda: torch.softmax(x, -1)
    if kind == "cross_entropy":
        rows, vocab = i("rows"), i("vocab")
        logits = rnd(rows, vocab, dtype=dt, gen=gen)
        tgt = torch.randint(0, vocab, (rows,), device="cuda")
        if pass_ == "backward":
            logits.requires_grad_(True)
            loss = F.cross_entropy(logits, tgt)
            return lambda: torch.autograd.grad(loss, logits, retain_graph=True)
        return lambda: F.cross_entropy(logits, tgt)
    if kind == "embedding":
        tokens, vocab, dim = i("tokens"), i("vocab"), i("dim")
        table = rnd(vocab, dim, dtype=dt, gen=gen)
        idx = torch.randint(0, vocab, (tokens,), device="cuda")
        if pass_ == "backward":
            table.requires_grad_(True)
            out = F.embedding(idx, table)
            dout = rnd(*out.shape, dtype=dt, gen=gen)
            return lambda: torch.autograd.grad(out, table, dout, retain_graph=True)
        return lambda: F.embedding(idx, table)
    if kind == "elementwise":
        numel, op = i("numel"), a.get("op", "add")
        x, y = rnd(numel, dtype=dt, gen=gen), rnd(numel, dtype=dt, gen=gen) if op in ("add", "mul") else None
        fns = {"add": lambda: x + y, "mul": lambda: x * y, "relu": lambda: F.relu(x), "gelu": lambda: F.gelu(x),
               "silu": lambda: F.silu(x)}
        return fns[op]
    if kind == "maxpool":
        x = nhwc(rnd(i("N"), i("C"), i("H"), i("W"), dtype=dt, gen=gen), layout)
        if pass_ == "forward":
            return lambda: F.max_pool2d(x, i("R"), i("stride", 1), i("pad", 0))
        x.requires_grad_(True)
        y = F.max_pool2d(x, i("R"), i("stride", 1), i("pad", 0))
        dy = nhwc(rnd(*y.shape, dtype=dt, gen=gen), layout)
        return lambda: torch.autograd.grad(y, (x,), dy, retain_graph=True)
    if kind == "batchnorm":
        c = i("C")
        x = nhwc(rnd(i("N"), c, i("H"), i("W"), dtype=dt, gen=gen), layout)
        train = a.get("mode") == "train" or pass_ == "backward"
        # Training runs BatchNorm2d's fp32 parameters and statistics on 16-bit activations, as
        # autocast leaves the module; inference keeps the spec's dtype throughout.
        pdt = torch.float32 if train else dt
        rm, rv = torch.zeros(c, device="cuda", dtype=pdt), torch.ones(c, device="cuda", dtype=pdt)
        w, bb = rnd(c, dtype=pdt, gen=gen), rnd(c, dtype=pdt, gen=gen)
        if not train:
            return lambda: F.batch_norm(x, rm, rv, w, bb, training=False)
        if pass_ == "forward":
            return lambda: F.batch_norm(x, rm, rv, w, bb, training=True)
        x.requires_grad_(True)
        w.requires_grad_(True)
        bb.requires_grad_(True)
        y = F.batch_norm(x, rm, rv, w, bb, training=True)
        dy = nhwc(rnd(*y.shape, dtype=dt, gen=gen), layout)
        return lambda: torch.autograd.grad(y, (x, w, bb), dy, retain_graph=True)
    raise ValueError(f"no builder for kind {kind}")


def profile_chunk(chunk):
    """{index: [(kernel name, GPU us)]} for a chunk of (index, fn): one profiler session, each call
    inside its own record_function range and synchronized before the range ends, kernels assigned
    to the range their start time falls in."""
    from torch.profiler import ProfilerActivity, profile, record_function
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for idx, fn in chunk:
            with record_function(f"orrery_op_{idx}"):
                fn()
                torch.cuda.synchronize()
    ranges = []
    kernels = []
    for e in prof.events():
        if e.name.startswith("orrery_op_") and not str(getattr(e, "device_type", "")).endswith("CUDA"):
            ranges.append((e.time_range.start, e.time_range.end, int(e.name[len("orrery_op_"):])))
        elif str(getattr(e, "device_type", "")).endswith("CUDA") and not e.name.startswith("orrery_op_"):
            kernels.append((e.time_range.start, e.name, float(e.time_range.elapsed_us())))
    out = {idx: [] for idx, _ in chunk}
    for start, name, us in sorted(kernels):
        for r0, r1, idx in ranges:
            if r0 <= start <= r1:
                out[idx].append((name, us))
                break
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gpu", default="h100")
    ap.add_argument("--count", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--budget-s", type=float, default=400)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--energy-every", type=int, default=6)
    ap.add_argument("--energy-seconds", type=float, default=1.0)
    ap.add_argument("--kinds", choices=["ops", "train"], default="ops",
                    help="ops: the generalization set; train: CNN training kernels (train_kernels_<gpu>.csv)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    train = args.kinds == "train"
    specs = random_op_specs.specs(args.seed, args.count, random_op_specs.TRAIN_KINDS if train else None)
    if args.limit:
        specs = specs[:args.limit]
    nvml = gm.Nvml()
    flusher = gm.L2Flusher()
    device = torch.cuda.get_device_name(0)
    stem = "train_kernels" if train else "random_ops"
    rows_path = os.path.join(args.out, f"{stem}_{args.gpu}.csv")
    kern_path = os.path.join(args.out, f"{stem}_{args.gpu}_kernels.csv")
    fr, fk = open(rows_path, "w", newline=""), open(kern_path, "w", newline="")
    wr, wk = csv.writer(fr), csv.writer(fk)
    wr.writerow(COLUMNS)
    wk.writerow(["index", "spec", "order", "kernel", "us"])
    t_start = time.time()
    done = failed = 0
    pending = []  # (index, spec, group, fn, row) awaiting the chunk profile

    def flush_pending():
        if not pending:
            return
        try:
            ks = profile_chunk([(p[0], p[3]) for p in pending])
        except Exception as e:  # keep the timings without kernel names
            print(f"profile failed: {type(e).__name__}: {e}", flush=True)
            ks = {}
        for idx, spec, group, fn, row in pending:
            kl = ks.get(idx, [])
            row[COLUMNS.index("kernel_count")] = len(kl)
            row[COLUMNS.index("kernels")] = ";".join(sorted({n[:160] for n, _ in kl}))[:2000]
            row[COLUMNS.index("kernel_sum_us")] = gm.fmt(sum(u for _, u in kl))
            wr.writerow(row)
            for order, (n, u) in enumerate(kl):
                wk.writerow([idx, spec, order, n[:300], gm.fmt(u)])
        fr.flush()
        fk.flush()
        pending.clear()

    for idx, (spec, group) in enumerate(specs):
        if time.time() - t_start > args.budget_s:
            print(f"budget reached after {idx} specs", flush=True)
            break
        kind, a = gm.parse_spec(spec)
        row = [""] * len(COLUMNS)
        row[:6] = [idx, spec, group, kind, a.get("dtype", ""), device]
        try:
            gen = torch.Generator(device="cuda").manual_seed(idx)
            fn = build(spec, gen)
            fn()
            torch.cuda.synchronize()
            e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            e0.record()
            fn()
            e1.record()
            torch.cuda.synchronize()
            single_ms = e0.elapsed_time(e1)
            reps = int(max(5, min(30, 300.0 / max(single_ms, 1e-3))))
            t = gm.time_cold(fn, flusher, nvml, reps=reps)
            host_us, eager_us = gm.eager_cost(fn, calls=20 if single_ms < 5 else 3)
            row[6:12] = [gm.fmt(t["median_us"]), gm.fmt(t["min_us"]), gm.fmt(t["max_us"]), reps,
                         t["sm_clock_mhz"] or "", gm.fmt(host_us)]
            row[12] = gm.fmt(eager_us)
            if args.energy_every and idx % args.energy_every == 0 and t["median_us"] >= 10:
                try:
                    en = gm.energy_loop(fn, t["median_us"], nvml, seconds=args.energy_seconds)
                    if en:
                        row[13:16] = [f"{en['energy_j']:.6e}", gm.fmt(en["avg_power_w"]), en["energy_reps"]]
                except Exception as e:
                    print(f"[{idx}] energy loop failed: {type(e).__name__}: {e}", flush=True)
            row[COLUMNS.index("status")] = "ok"
            pending.append((idx, spec, group, fn, row))
            done += 1
        except Exception as e:  # unsupported shape/backend: record why, keep going
            msg = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
            row[COLUMNS.index("status")] = "error: " + msg
            wr.writerow(row)
            failed += 1
            torch.cuda.empty_cache()
        # Pending calls keep their inputs alive: profile them before they crowd the GPU's memory.
        if len(pending) >= 40 or torch.cuda.memory_allocated() > 12e9:
            flush_pending()
            torch.cuda.empty_cache()
        if idx % 50 == 0:
            print(f"[{idx}/{len(specs)}] {time.time() - t_start:.0f} s, {done} ok, {failed} failed", flush=True)
    flush_pending()
    fr.close()
    fk.close()
    print(f"random ops: {done} measured, {failed} failed, {time.time() - t_start:.0f} s -> {rows_path}", flush=True)


if __name__ == "__main__":
    main()
