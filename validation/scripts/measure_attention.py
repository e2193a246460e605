#!/usr/bin/env python3
"""Times the `attention:` specs of an op list with PyTorch's scaled_dot_product_attention,
by the same method as orrery_measure (validation/scripts/gpu_method.py).

  attention:B=,H=,S=,D=,causal=0|1[,kv=],dtype=fp16|bf16
  q: [B,H,S,D], k and v: [B,H,kv,D] (kv defaults to S), random uniform(-1,1) inputs.
  causal=1 needs S == kv (a square causal mask); for S == 1 (decode) the mask is moot.

The row of the main CSV is the FlashAttention-2 backend (SDPBackend.FLASH_ATTENTION).
The cuDNN backend (SDPBackend.CUDNN_ATTENTION, cuDNN's fused SDPA) is timed too and written,
with the flash numbers, to --backends-out, one row per (spec, backend).

  measure_attention.py --ops ops.txt --out attention.csv [--backends-out B.csv] [--details D.csv]
                       [--energy none|marked|all] [--energy-seconds 2] [--verify]
  measure_attention.py --ops ops.txt --profile     one call per op for Nsight Compute, each
                                                   preceded by the marker kernel (grid index+1)
"""
import argparse
import csv
import os
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_method as gm  # noqa: E402

DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16}
BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION}


def build(args, seed=0):
    b, h, s, d = (int(args[k]) for k in ("B", "H", "S", "D"))
    kv = int(args.get("kv", s))
    causal = int(args.get("causal", "0")) != 0
    dtype = DTYPES[args.get("dtype", "fp16")]
    if causal and s != kv and s != 1:
        raise ValueError("causal=1 with S != kv is not measured (mask alignment is ambiguous)")
    g = torch.Generator(device="cuda").manual_seed(seed)
    q = torch.rand(b, h, s, d, device="cuda", dtype=dtype, generator=g) * 2 - 1
    k = torch.rand(b, h, kv, d, device="cuda", dtype=dtype, generator=g) * 2 - 1
    v = torch.rand(b, h, kv, d, device="cuda", dtype=dtype, generator=g) * 2 - 1
    return q, k, v, causal and s > 1


def make_fn(q, k, v, causal, backend):
    def fn():
        with sdpa_kernel([BACKENDS[backend]]):
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    return fn


def verify():
    """Relative error of both backends against float64 math on small inputs."""
    ok = True
    for spec in ("attention:B=2,H=3,S=77,D=64,causal=1,dtype=fp16", "attention:B=1,H=4,S=1,D=128,causal=0,kv=300,dtype=bf16",
                 "attention:B=2,H=2,S=128,D=40,causal=0,dtype=fp16"):
        _, a = gm.parse_spec(spec)
        q, k, v, causal = build(a, seed=7)
        qd, kd, vd = q.double(), k.double(), v.double()
        sc = qd @ kd.transpose(-1, -2) / (q.shape[-1] ** 0.5)
        if causal:
            mask = torch.ones(sc.shape[-2], sc.shape[-1], dtype=torch.bool, device="cuda").tril()
            sc = sc.masked_fill(~mask, float("-inf"))
        ref = torch.softmax(sc, -1) @ vd
        for backend in BACKENDS:
            try:
                out = make_fn(q, k, v, causal, backend)().double()
                err = ((out - ref).norm() / ref.norm()).item()
                tol = 5e-3 if q.dtype == torch.float16 else 2e-2
                good = err <= tol
                ok &= good or backend != "flash"
                print(f"verify attention {backend:6s} {spec:60s} rel_err={err:.3e} tol={tol:.0e} "
                      f"{'PASS' if good else 'FAIL'}")
            except Exception as e:  # a backend that refuses the shape is reported, not fatal
                print(f"verify attention {backend:6s} {spec:60s} unavailable: {str(e).splitlines()[0][:120]}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ops", required=True)
    ap.add_argument("--out")
    ap.add_argument("--backends-out")
    ap.add_argument("--details")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--energy", default="none", choices=["none", "marked", "all"])
    ap.add_argument("--energy-seconds", type=float, default=2.0)
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--limit", type=int, default=-1)
    a = ap.parse_args()
    if a.reps < 20:
        sys.exit("--reps must be >= 20")
    torch.backends.cuda.matmul.allow_tf32 = False
    device = torch.cuda.get_device_name(0)
    nvml = gm.Nvml()
    try:
        cudnn = torch.backends.cudnn.version()
    except RuntimeError as e:  # e.g. a foreign libcudnn first on LD_LIBRARY_PATH
        cudnn = f"unusable ({str(e)[:80]})"
    print(f"device: {device}, torch {torch.__version__}, cuDNN {cudnn}, driver {nvml.driver_version()}")
    if a.verify and not verify():
        print("VERIFY FAILURES", file=sys.stderr)
    if not a.profile and not a.out:
        return  # --verify alone
    lines = [ln for ln in gm.read_op_list(a.ops) if ln[1].startswith("attention:")]
    if a.limit >= 0:
        lines = lines[:a.limit]

    if a.profile:
        import cupy  # the marker kernel, same name as orrery_measure's
        marker = cupy.RawKernel('extern "C" __global__ void orrery_marker_kernel() {}', "orrery_marker_kernel")
        torch.cuda.synchronize()
        for index, spec, _, _ in lines:
            try:
                q, k, v, causal = build(gm.parse_spec(spec)[1])
                fn = make_fn(q, k, v, causal, "flash")
                fn()
                fn()
                torch.cuda.synchronize()
                flusher = gm.L2Flusher()
                flusher(index)
                torch.cuda.synchronize()
                torch.cuda.profiler.start()
                marker((index + 1,), (32,), ())
                cupy.cuda.runtime.deviceSynchronize()
                fn()
                torch.cuda.synchronize()
                torch.cuda.profiler.stop()
                print(f"PROFILE {index} {spec}", flush=True)
                del flusher
            except Exception as e:
                print(f"SKIP {spec}: {e}", file=sys.stderr)
        return

    flusher = gm.L2Flusher()
    out = open(a.out, "w", newline="")
    w = csv.writer(out)
    w.writerow(gm.CSV_COLUMNS)
    bf = open(a.backends_out, "w", newline="") if a.backends_out else None
    bw = csv.writer(bf) if bf else None
    if bw:
        bw.writerow(["spec", "backend", "median_us", "min_us", "max_us", "reps", "sm_clock_mhz", "kernel"])
    df = open(a.details, "w", newline="") if a.details else None
    dw = csv.writer(df) if df else None
    if dw:
        dw.writerow(["spec", "impl", "timed_sm_clock_mhz", "energy_loop_s", "energy_ops_per_graph", "energy_us_per_op",
                     "energy_clock_min_mhz", "energy_clock_max_mhz", "energy_clock_end_mhz", "temp_c_end",
                     "clock_event_reasons_end"])
    # Pass 1: timings (both backends); pass 2: energy loops of the selected specs, after all
    # timings, as orrery_measure does.
    results = []
    for index, spec, split, marked in lines:
        kind, args = gm.parse_spec(spec)
        try:
            q, k, v, causal = build(args)
            rows = {}
            for backend in BACKENDS:
                try:
                    fn = make_fn(q, k, v, causal, backend)
                    t = gm.time_cold(fn, flusher, nvml, reps=a.reps)
                    t["kernel"] = ";".join(gm.kernel_names(fn))
                    rows[backend] = t
                except Exception as e:
                    if backend == "flash":
                        raise
                    print(f"  {backend} backend unavailable for {spec}: {str(e).splitlines()[0][:160]}", file=sys.stderr)
            t = rows["flash"]
            extra = f" | cudnn {rows['cudnn']['median_us']:.2f} us" if "cudnn" in rows else ""
            print(f"[{index:3d}] {spec:90s} {t['median_us']:10.2f} us (min {t['min_us']:.2f} max {t['max_us']:.2f}) "
                  f"clk {t['sm_clock_mhz']} host {t['host_us']:.0f} us{extra}", flush=True)
            results.append((index, spec, kind, args, split, marked, rows))
            del q, k, v
        except Exception as e:
            print(f"SKIP {spec}: {e}", file=sys.stderr)
    energies = {}
    for index, spec, kind, args, split, marked, rows in results:
        if a.energy == "all" or (a.energy == "marked" and marked):
            try:
                q, k, v, causal = build(args)
                en = gm.energy_loop(make_fn(q, k, v, causal, "flash"), rows["flash"]["median_us"], nvml, a.energy_seconds)
                if en:
                    energies[spec] = en
                    print(f"[{index:3d}] {spec:90s} energy {en['energy_j']:.3e} J/op {en['avg_power_w']:.0f} W "
                          f"loop {en['us_per_op']:.2f} us/op clk {en['clock_min']}-{en['clock_max']} end {en['clock_end']} MHz",
                          flush=True)
                del q, k, v
            except Exception as e:
                print(f"SKIP {spec} (energy loop): {e}", file=sys.stderr)
    for index, spec, kind, args, split, marked, rows in results:
        t = rows["flash"]
        en = energies.get(spec)
        w.writerow([spec, kind, args.get("dtype", "fp16"), device, gm.fmt(t["median_us"]), gm.fmt(t["min_us"]),
                    gm.fmt(t["max_us"]), t["reps"], gm.fmt(t["sm_clock_mhz"]),
                    f"{en['energy_j']:.6g}" if en else "", gm.fmt(en["avg_power_w"], 2) if en else "",
                    en["energy_reps"] if en else "", t["kernel"], "", "", split])
        if bw:
            for backend, r in rows.items():
                bw.writerow([spec, backend, gm.fmt(r["median_us"]), gm.fmt(r["min_us"]), gm.fmt(r["max_us"]),
                             r["reps"], gm.fmt(r["sm_clock_mhz"]), r["kernel"]])
        if dw:
            dw.writerow([spec, "torch sdpa FLASH_ATTENTION", gm.fmt(t["sm_clock_mhz"]),
                         gm.fmt(en["loop_s"], 4) if en else "", en["per_graph"] if en else "",
                         gm.fmt(en["us_per_op"]) if en else "", gm.fmt(en["clock_min"]) if en else "",
                         gm.fmt(en["clock_max"]) if en else "", gm.fmt(en["clock_end"]) if en else "",
                         gm.fmt(en["temp_c"]) if en else "", ""])
    out.close()
    for fh in (bf, df):
        if fh:
            fh.close()


if __name__ == "__main__":
    main()
