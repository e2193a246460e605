#!/usr/bin/env python3
"""What PyTorch itself launches, for the GPU model's whole-model lowering (fp16, channels-last):

  graph    every kernel of one *CUDA-graph replay* of each whole model of measure_models.py (the
           replay the latency rows time, L2 flushed before it), from torch.profiler (CUPTI sees
           the kernels inside a graph): names, GPU durations and start times, so the gaps between
           kernels are visible too. An eager forward can take other paths than the captured one.
  ops      calibration ops run through PyTorch's own kernels rather than the harness's: eval
           batch norm, max/avg pooling, layer norm, the broadcast bias add after a cuDNN conv,
           first-layer convs with 3 input channels, depthwise convs. Same method as the other
           rows (gpu_method.time_cold: L2 flushed, events, median), one row per spec in the ops
           CSV format (split: calibration), plus every kernel each call launches with its GPU
           duration. Shapes are chosen *not* to repeat the held-out models' layers.

  chains   calibration for kernels *inside* a CUDA graph after PyTorch's own kernels, as in whole
           models: n = 8 and 32 repetitions of [relu, GEMM or conv] with a distinct (cold) weight
           per repetition, L2 flushed before each replay (gpu_method.time_cold); the slope over n
           is one pair's cost. One replay is profiled for each kernel's GPU duration. Shapes are
           not the held-out models' layers.

  measure_torch_kernels.py --out DIR [--only graph,ops,chains]
writes DIR/model_graph_kernels_h100.csv, DIR/torch_ops_h100.csv, DIR/torch_ops_h100_kernels.csv,
DIR/graph_chains_h100.csv, DIR/graph_chains_h100_kernels.csv.
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_method as gm  # noqa: E402

H = torch.float16


def cuda_events(prof):
    return [e for e in prof.events() if str(getattr(e, "device_type", "")).endswith("CUDA")]


def profiled_replay(g, flusher):
    """[(name, GPU us, start us from the first kernel)] of one replay of graph g after an L2 flush."""
    from torch.profiler import ProfilerActivity, profile
    flusher(7)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        g.replay()
        torch.cuda.synchronize()
    ev = sorted(cuda_events(prof), key=lambda e: e.time_range.start)
    t0 = ev[0].time_range.start if ev else 0
    return [(e.name, float(e.time_range.elapsed_us()), float(e.time_range.start - t0)) for e in ev]


def graph_kernels(out, flusher):
    import measure_models as mm
    rows = []
    for name, options, build, batches in mm.MODELS:
        for batch in batches:
            t0 = time.time()
            try:
                torch.manual_seed(0)
                with torch.device("cuda"):
                    m, args, kw = build(batch)
                m = m.to(device="cuda", dtype=H).eval()
                with torch.inference_mode():
                    m(*args, **kw)
                    g = gm.capture(lambda: m(*args, **kw), 1)
                    for r in range(3):
                        g.replay()
                    ev = profiled_replay(g, flusher)
                span = (ev[-1][2] + ev[-1][1]) if ev else 0
                busy = sum(d for _, d, _ in ev)
                for i, (kname, d, start) in enumerate(ev):
                    rows.append([name, options, batch, i, kname[:240], gm.fmt(d), gm.fmt(start)])
                print(f"graph {name}:{options} batch {batch}: {len(ev)} kernels, {busy:.1f} us busy, span "
                      f"{span:.1f} us [{time.time() - t0:.1f} s]", flush=True)
                del g, m, args
            except Exception as e:  # keep the other models
                print(f"SKIP graph {name}:{options} batch {batch}: {type(e).__name__}: {str(e)[:200]}", flush=True)
            torch.cuda.empty_cache()
    gm.write_csv(os.path.join(out, "model_graph_kernels_h100.csv"),
                 ["model", "options", "batch", "index", "kernel", "device_us", "start_us"], rows)


def cl(x):
    return x.contiguous(memory_format=torch.channels_last_3d if x.dim() == 5 else torch.channels_last)


def rnd(*shape):
    return cl(torch.randn(*shape, device="cuda", dtype=H))


def op_specs():
    """(spec in orrery's --op syntax, kind, builder returning a no-argument callable)."""
    specs = []

    def bn(n, c, *sp):
        x = rnd(n, c, *sp)
        rm, rv = torch.zeros(c, device="cuda", dtype=H), torch.ones(c, device="cuda", dtype=H)
        w, b = torch.ones(c, device="cuda", dtype=H), torch.zeros(c, device="cuda", dtype=H)
        return lambda: F.batch_norm(x, rm, rv, w, b, False, 0.0, 1e-5)

    for n, c, h in ((1, 24, 112), (1, 80, 56), (1, 320, 28), (1, 1024, 7), (2, 128, 28), (8, 64, 56),
                    (16, 256, 14), (32, 192, 28), (64, 64, 56), (4, 512, 14), (1, 48, 160), (32, 24, 112)):
        specs.append((f"batchnorm:N={n},C={c},H={h},W={h},dtype=fp16", "batchnorm",
                      lambda n=n, c=c, h=h: bn(n, c, h, h)))
    for n, c, d, h in ((2, 64, 8, 28), (1, 128, 4, 28), (4, 64, 16, 56)):
        specs.append((f"batchnorm:N={n},C={c},D={d},H={h},W={h},dtype=fp16", "batchnorm",
                      lambda n=n, c=c, d=d, h=h: bn(n, c, d, h, h)))

    def maxpool(n, c, h, k, s, p):
        x = rnd(n, c, h, h)
        return lambda: F.max_pool2d(x, k, s, p)

    for n, c, h, k, s, p in ((1, 32, 112, 3, 2, 1), (4, 64, 112, 3, 2, 1), (16, 64, 112, 3, 2, 1),
                             (1, 128, 28, 3, 2, 1), (1, 32, 224, 2, 2, 0), (1, 96, 56, 2, 2, 0),
                             (2, 256, 28, 2, 2, 0), (8, 128, 56, 2, 2, 0), (1, 1024, 14, 2, 2, 0)):
        specs.append((f"maxpool:N={n},C={c},H={h},W={h},R={k},S={k},stride={s},pad={p},dtype=fp16", "pool",
                      lambda a=(n, c, h, k, s, p): maxpool(*a)))

    def gap(n, c, h):
        x = rnd(n, c, h, h)
        return lambda: F.adaptive_avg_pool2d(x, 1)

    for n, c, h in ((1, 768, 7), (1, 320, 14), (8, 1024, 7), (32, 960, 7), (1, 112, 56), (4, 2048, 7)):
        specs.append((f"avgpool:N={n},C={c},H={h},W={h},R={h},S={h},stride=1,pad=0,dtype=fp16", "pool",
                      lambda a=(n, c, h): gap(*a)))

    def ln(r, c):
        x = torch.randn(r, c, device="cuda", dtype=H)
        w, b = torch.ones(c, device="cuda", dtype=H), torch.zeros(c, device="cuda", dtype=H)
        return lambda: F.layer_norm(x, (c,), w, b)

    for r, c in ((100, 768), (256, 1024), (2000, 768), (4096, 1024), (64, 4096), (12000, 768), (512, 4096)):
        specs.append((f"layernorm:rows={r},cols={c},dtype=fp16", "layernorm", lambda r=r, c=c: ln(r, c)))

    def conv(n, c, spatial, k, kern, s, p, groups=1, bias=False):
        x = rnd(n, c, *spatial)
        w = cl(0.05 * torch.randn(k, c // groups, *kern, device="cuda", dtype=H))
        b = torch.randn(k, device="cuda", dtype=H) if bias else None
        f = F.conv3d if len(spatial) == 3 else F.conv2d
        return lambda: f(x, w, b, stride=s, padding=p, groups=groups)

    # cuDNN runs the convolution, then PyTorch adds the bias in a broadcasting kernel.
    for n, c, h, k in ((1, 32, 224, 32), (1, 128, 56, 128), (1, 512, 14, 256), (4, 256, 28, 256), (16, 64, 112, 64)):
        specs.append((f"conv2d:N={n},C={c},H={h},W={h},K={k},R=3,S=3,stride=1,pad=1,groups=1,bias=1,dtype=fp16",
                      "conv2d", lambda a=(n, c, (h, h), k, (3, 3), 1, 1, 1, True): conv(*a)))

    for n, c, h, k, r, s, p in ((1, 3, 256, 64, 7, 2, 3), (1, 3, 160, 32, 3, 2, 1), (2, 3, 224, 64, 7, 2, 3),
                                (4, 3, 224, 32, 3, 2, 1), (1, 3, 384, 768, 16, 16, 0), (1, 3, 224, 1024, 14, 14, 0),
                                (8, 3, 224, 768, 16, 16, 0), (1, 3, 224, 96, 4, 4, 0), (16, 3, 224, 64, 7, 2, 3)):
        specs.append((f"conv2d:N={n},C={c},H={h},W={h},K={k},R={r},S={r},stride={s},pad={p},groups=1,dtype=fp16",
                      "conv2d", lambda a=(n, c, (h, h), k, (r, r), s, p): conv(*a)))
    for n, d, h in ((1, 8, 112), (2, 16, 112)):
        specs.append((f"conv3d:N={n},C=3,D={d},H={h},W={h},K=64,T=3,R=7,S=7,stride=2,pad=1,dtype=fp16",
                      "conv3d", lambda n=n, d=d, h=h: conv(n, 3, (d, h, h), 64, (3, 7, 7), 2, 1)))
    for n, c, h, r, s in ((1, 16, 112, 3, 1), (1, 64, 112, 3, 2), (1, 240, 28, 3, 1), (1, 512, 14, 3, 1),
                          (1, 40, 56, 5, 1), (1, 240, 28, 5, 2), (8, 96, 56, 3, 1), (32, 240, 14, 5, 1),
                          (4, 480, 14, 3, 1), (16, 1152, 7, 3, 1)):
        specs.append((f"conv2d:N={n},C={c},H={h},W={h},K={c},R={r},S={r},stride={s},pad={r // 2},groups={c},"
                      f"dtype=fp16", "conv2d",
                      lambda a=(n, c, (h, h), c, (r, r), s, r // 2, c): conv(*a)))
    return specs


def torch_ops(out, flusher, nvml, reps):
    from torch.profiler import ProfilerActivity, profile
    device = torch.cuda.get_device_name(0)
    rows, krows = [], []
    with torch.inference_mode():
        for spec, kind, build in op_specs():
            try:
                fn = build()
                fn()
                torch.cuda.synchronize()
                with profile(activities=[ProfilerActivity.CUDA]) as prof:
                    fn()
                    torch.cuda.synchronize()
                ev = cuda_events(prof)
                t = gm.time_cold(fn, flusher, nvml, reps=reps)
            except Exception as e:
                print(f"SKIP {spec}: {type(e).__name__}: {str(e)[:200]}", flush=True)
                continue
            names = [e.name[:200] for e in ev]
            for i, e in enumerate(ev):
                krows.append([spec, i, e.name[:240], gm.fmt(float(e.time_range.elapsed_us()))])
            rows.append([spec, kind, "fp16", device, gm.fmt(t["median_us"]), gm.fmt(t["min_us"]), gm.fmt(t["max_us"]),
                         t["reps"], t["sm_clock_mhz"], "", "", "", ";".join(names), "", "", "calibration", "pytorch"])
            busy = sum(float(e.time_range.elapsed_us()) for e in ev)
            print(f"op {spec:80s} {t['median_us']:9.2f} us, {len(ev)} kernels {busy:8.2f} us busy: "
                  f"{';'.join(n[:50] for n in names)}", flush=True)
            del fn
            torch.cuda.empty_cache()
    # The `mapper` column tells orrery validate that these ran PyTorch's kernels.
    gm.write_csv(os.path.join(out, "torch_ops_h100.csv"), gm.CSV_COLUMNS + ["mapper"], rows)
    gm.write_csv(os.path.join(out, "torch_ops_h100_kernels.csv"), ["spec", "index", "kernel", "device_us"], krows)


def chain_specs():
    """(spec of the library kernel, builder(n) -> callable running n [relu, op] pairs)."""
    specs = []

    def linear(m, n, k):
        def build(reps):
            x = torch.randn(m, k, device="cuda", dtype=H)
            ws = [0.02 * torch.randn(n, k, device="cuda", dtype=H) for _ in range(reps)]
            y = torch.empty(m, n, device="cuda", dtype=H)

            def f():
                for w in ws:
                    torch.relu_(x)
                    torch.matmul(x, w.t(), out=y)
            return f
        return build

    for m, n, k in ((64, 1024, 1024), (256, 1024, 1024), (1024, 1024, 1024), (256, 4096, 1024),
                    (256, 1024, 4096), (64, 2560, 640), (512, 640, 2560), (2048, 1536, 512)):
        specs.append((f"gemm:M={m},N={n},K={k},dtype=fp16", linear(m, n, k)))

    def conv(nb, c, hw, kout, r):
        def build(reps):
            x = rnd(nb, c, hw, hw)
            ws = [cl(0.05 * torch.randn(kout, c, r, r, device="cuda", dtype=H)) for _ in range(reps)]

            def f():
                for w in ws:
                    torch.relu_(x)
                    F.conv2d(x, w, padding=r // 2)
            return f
        return build

    for nb, c, hw, kout, r in ((1, 48, 40, 48, 3), (1, 96, 20, 96, 3), (1, 192, 20, 192, 3), (1, 384, 10, 384, 3),
                               (8, 96, 40, 96, 3), (1, 160, 40, 640, 1), (4, 640, 20, 160, 1), (1, 320, 10, 320, 3)):
        specs.append((f"conv2d:N={nb},C={c},H={hw},W={hw},K={kout},R={r},S={r},stride=1,pad={r // 2},dtype=fp16",
                       conv(nb, c, hw, kout, r)))
    return specs


def chains(out, flusher, nvml, reps):
    rows, krows = [], []
    with torch.inference_mode():
        for spec, build in chain_specs():
            try:
                times = {}
                for n in (8, 32):
                    fn = build(n)
                    g = gm.capture(fn, 1)
                    t = gm.time_cold(g.replay, flusher, nvml, reps=reps)
                    times[n] = t["median_us"]
                    if n == 8:
                        for i, (kname, d, start) in enumerate(profiled_replay(g, flusher)):
                            krows.append([spec, i, kname[:200], gm.fmt(d), gm.fmt(start)])
                    del g, fn
                slope = (times[32] - times[8]) / 24.0
                rows.append([spec, gm.fmt(times[8]), gm.fmt(times[32]), gm.fmt(slope), reps])
                print(f"chain {spec:70s} n=8 {times[8]:8.1f} us, n=32 {times[32]:8.1f} us: {slope:.3f} us per "
                      f"[relu, op]", flush=True)
            except Exception as e:
                print(f"SKIP chain {spec}: {type(e).__name__}: {str(e)[:200]}", flush=True)
            torch.cuda.empty_cache()
    gm.write_csv(os.path.join(out, "graph_chains_h100.csv"),
                 ["spec", "graph_us_8_pairs", "graph_us_32_pairs", "us_per_pair", "reps"], rows)
    gm.write_csv(os.path.join(out, "graph_chains_h100_kernels.csv"),
                 ["spec", "index", "kernel", "device_us", "start_us"], krows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--only", default="ops,graph,chains")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.backends.cudnn.benchmark = False
    torch.backends.cuda.matmul.allow_tf32 = False
    nvml = gm.Nvml()
    flusher = gm.L2Flusher()
    print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}, cuDNN "
          f"{torch.backends.cudnn.version()}, driver {nvml.driver_version()}", flush=True)
    gm.run_parts(a.only, (("ops", lambda: torch_ops(a.out, flusher, nvml, a.reps)),
                          ("graph", lambda: graph_kernels(a.out, flusher)),
                          ("chains", lambda: chains(a.out, flusher, nvml, a.reps))))


if __name__ == "__main__":
    main()
