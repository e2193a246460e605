#!/usr/bin/env python3
"""Calibration measurements for the GPU model's fixed costs and clocks (PyTorch, fp16):

  chains   CUDA graphs of n = 1, 16, 64 *dependent* calls of one small op (relu, add, batch
           norm, a batch-1 3x3 conv, a 128-row linear, and a ResNet basic block's 7 kernels),
           replayed with L2 flushed before each replay (the method of gpu_method.py). The slope
           over n is the cost of one kernel inside a CUDA graph as whole models run it; the
           n = 1 point is one kernel alone in a graph.
  clocks   the SM clock and board power NVML reports while one op runs back to back for >= 1.5 s
           (graph replays, no flush), and while its 30 timed cold repetitions run: the clock the
           power limiter allows under sustained load and under the timing method.
  kernels  the kernels (names, GPU durations) that one eager forward of each whole model launches
           (torch.profiler): how many kernels PyTorch issues per model, for the lowering.

  measure_graph_floor.py --out DIR
writes DIR/chains_h100.csv, DIR/clocks_h100.csv, DIR/model_kernels_h100.csv.
"""
import argparse
import os
import statistics
import sys
import threading
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_method as gm  # noqa: E402


def power_w(nvml):
    mw = nvml._uint("nvmlDeviceGetPowerUsage")
    return None if mw is None else mw / 1000.0


class Sampler:
    """NVML clock and power every `period` seconds on a thread while active."""

    def __init__(self, nvml, period=0.005):
        self.nvml, self.period, self.clocks, self.powers = nvml, period, [], []
        self._stop = threading.Event()

    def __enter__(self):
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            c, p = self.nvml.sm_clock_mhz(), power_w(self.nvml)
            if c is not None:
                self.clocks.append(c)
            if p is not None:
                self.powers.append(p)
            time.sleep(self.period)

    def __exit__(self, *a):
        self._stop.set()
        self._t.join()

    def summary(self):
        med = lambda v: statistics.median(v) if v else None  # noqa: E731
        return {"clock_median_mhz": med(self.clocks), "clock_min_mhz": min(self.clocks) if self.clocks else None,
                "power_median_w": med(self.powers), "samples": len(self.clocks)}


def chain_ops():
    """name -> (kernels per call, builder returning a callable that runs one call)."""
    h = torch.float16
    cl = torch.channels_last

    def act():
        return torch.randn(1, 64, 56, 56, device="cuda", dtype=h).contiguous(memory_format=cl)

    def relu():
        x = act()
        return lambda: x.relu_()

    def add():
        x, y = act(), act()
        return lambda: y.add_(x)

    def bn():
        x = act()
        rm, rv = torch.zeros(64, device="cuda", dtype=h), torch.ones(64, device="cuda", dtype=h)
        w, b = torch.ones(64, device="cuda", dtype=h), torch.zeros(64, device="cuda", dtype=h)
        st = {"x": x}

        def f():
            st["x"] = F.batch_norm(st["x"], rm, rv, w, b, False, 0.0, 1e-5)
        return f

    def conv():
        st = {"x": act()}
        w = (0.05 * torch.randn(64, 64, 3, 3, device="cuda", dtype=h)).contiguous(memory_format=cl)

        def f():
            st["x"] = F.conv2d(st["x"], w, padding=1)
        return f

    def linear():
        st = {"x": torch.randn(128, 768, device="cuda", dtype=h)}
        w = 0.03 * torch.randn(768, 768, device="cuda", dtype=h)

        def f():
            st["x"] = F.linear(st["x"], w)
        return f

    def block():
        import torchvision.models.resnet as R
        m = R.BasicBlock(64, 64).to(device="cuda", dtype=h, memory_format=cl).eval()
        st = {"x": act()}

        def f():
            st["x"] = m(st["x"])
        return f

    return [("relu", 1, relu), ("add", 1, add), ("batchnorm", 1, bn), ("conv3x3_c64_56", 1, conv),
            ("linear_128x768x768", 1, linear), ("resnet_basic_block", 7, block)]


def launched_kernels(fn):
    """Every kernel (repeats included) one call of fn launches, in order."""
    from torch.profiler import ProfilerActivity, profile
    fn()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    return [e.name for e in prof.events() if str(getattr(e, "device_type", "")).endswith("CUDA")]


def chains(out, flusher, nvml, reps):
    rows = []
    torch.backends.cudnn.benchmark = False
    with torch.inference_mode():
        for name, kpc, build in chain_ops():
            fn = build()
            names = launched_kernels(fn)
            times = {}
            for n in (1, 16, 64):
                g = gm.capture(fn, n)
                t = gm.time_cold(g.replay, flusher, nvml, reps=reps)
                times[n] = t["median_us"]
                rows.append([name, n, len(names), gm.fmt(t["median_us"]), gm.fmt(t["min_us"]), gm.fmt(t["max_us"]),
                             reps, t["sm_clock_mhz"], ";".join(names)])
                del g
            slope = (times[64] - times[16]) / 48.0
            print(f"chain {name:22s} kernels/call {len(names)} (expected {kpc}): n=1 {times[1]:.2f} us, "
                  f"n=16 {times[16]:.1f}, n=64 {times[64]:.1f}; {slope:.3f} us per call, "
                  f"{slope / max(1, len(names)):.3f} us per kernel", flush=True)
    gm.write_csv(os.path.join(out, "chains_h100.csv"),
                 ["op", "calls_in_graph", "kernels_per_call", "median_us", "min_us", "max_us", "reps",
                  "sm_clock_mhz", "kernels"], rows)


def clocks(out, flusher, nvml, reps):
    h = torch.float16
    rows = []

    def mm(n):
        a = torch.randn(n, n, device="cuda", dtype=h)
        b = torch.randn(n, n, device="cuda", dtype=h)
        c = torch.empty(n, n, device="cuda", dtype=h)
        return lambda: torch.mm(a, b, out=c)

    def copy(nbytes):
        a = torch.empty(nbytes // 2, device="cuda", dtype=h)
        b = torch.empty_like(a)
        return lambda: b.copy_(a)

    def layernorm(r, c):
        x = torch.randn(r, c, device="cuda", dtype=h)
        w, b = torch.ones(c, device="cuda", dtype=h), torch.zeros(c, device="cuda", dtype=h)
        return lambda: F.layer_norm(x, (c,), w, b)

    ops = [("gemm:M=2048,N=2048,K=2048,dtype=fp16", mm(2048)), ("gemm:M=4096,N=4096,K=4096,dtype=fp16", mm(4096)),
           ("gemm:M=8192,N=8192,K=8192,dtype=fp16", mm(8192)), ("copy:bytes=1073741824", copy(1 << 30)),
           ("layernorm:rows=16384,cols=4096,dtype=fp16", layernorm(16384, 4096))]
    with torch.inference_mode():
        for spec, fn in ops:
            with Sampler(nvml) as s_timed:
                t = gm.time_cold(fn, flusher, nvml, reps=reps)
            time.sleep(0.5)
            per_graph = max(1, int(2000.0 / max(t["median_us"], 1.0)))
            g = gm.capture(fn, per_graph)
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            g.replay()
            torch.cuda.synchronize()
            with Sampler(nvml) as s_loop:
                a.record()
                t0 = time.perf_counter()
                launches = 0
                while time.perf_counter() - t0 < 1.5:
                    g.replay()
                    launches += 1
                    if launches % 64 == 0:
                        torch.cuda.synchronize()
                b.record()
                torch.cuda.synchronize()
            loop_us = 1000.0 * a.elapsed_time(b) / (launches * per_graph)
            st, sl = s_timed.summary(), s_loop.summary()
            rows.append([spec, gm.fmt(t["median_us"]), gm.fmt(st["clock_median_mhz"]), gm.fmt(st["clock_min_mhz"]),
                         gm.fmt(st["power_median_w"]), gm.fmt(loop_us), gm.fmt(sl["clock_median_mhz"]),
                         gm.fmt(sl["clock_min_mhz"]), gm.fmt(sl["power_median_w"]), sl["samples"]])
            print(f"clocks {spec:45s} timed {t['median_us']:9.1f} us at {st['clock_median_mhz']} MHz "
                  f"{st['power_median_w']} W | loop {loop_us:9.1f} us at {sl['clock_median_mhz']} MHz "
                  f"(min {sl['clock_min_mhz']}) {sl['power_median_w']} W", flush=True)
            del g
            time.sleep(1.0)
    gm.write_csv(os.path.join(out, "clocks_h100.csv"),
                 ["spec", "timed_median_us", "timed_clock_median_mhz", "timed_clock_min_mhz", "timed_power_median_w",
                  "loop_us_per_op", "loop_clock_median_mhz", "loop_clock_min_mhz", "loop_power_median_w",
                  "loop_samples"], rows)


def model_kernels(out):
    import measure_models as mm
    from torch.profiler import ProfilerActivity, profile
    wanted = {("resnet18", 1), ("resnet50", 1), ("resnet50", 32), ("mobilenet_v2", 1), ("efficientnet_b0", 1),
              ("vgg16", 1), ("vit_b_16", 1), ("r3d_18", 1), ("bert_base", 1), ("bert_base", 32), ("gpt2", 1)}
    rows = []
    for name, options, build, batches in mm.MODELS:
        for batch in batches:
            if (name, batch) not in wanted or (name == "gpt2" and not options.startswith("seq=128")):
                continue
            torch.manual_seed(0)
            with torch.device("cuda"):
                m, args, kw = build(batch)
            m = m.to(device="cuda", dtype=torch.float16).eval()
            with torch.inference_mode():
                for _ in range(3):
                    m(*args, **kw)
                torch.cuda.synchronize()
                with profile(activities=[ProfilerActivity.CUDA]) as prof:
                    m(*args, **kw)
                    torch.cuda.synchronize()
            kernels = [e for e in prof.events() if str(getattr(e, "device_type", "")).endswith("CUDA")]
            total = 0.0
            for i, e in enumerate(kernels):
                d = e.time_range.elapsed_us()
                total += d
                rows.append([name, options, batch, i, e.name[:240], gm.fmt(float(d))])
            print(f"kernels {name}:{options} batch {batch}: {len(kernels)} kernels, {total:.1f} us summed", flush=True)
            del m, args
            torch.cuda.empty_cache()
    gm.write_csv(os.path.join(out, "model_kernels_h100.csv"),
                 ["model", "options", "batch", "index", "kernel", "device_us"], rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--only", default="chains,clocks,kernels")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = False
    nvml = gm.Nvml()
    flusher = gm.L2Flusher()
    print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}, driver {nvml.driver_version()}",
          flush=True)
    gm.run_parts(a.only, (("chains", lambda: chains(a.out, flusher, nvml, a.reps)),
                          ("clocks", lambda: clocks(a.out, flusher, nvml, a.reps)),
                          ("kernels", lambda: model_kernels(a.out))))


if __name__ == "__main__":
    main()
