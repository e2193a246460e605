"""Issue 16: the optimizer step alone, as PyTorch runs it (torch.optim, foreach and fused), over
random parameter sets, so the model of multi_tensor_apply is checked on sizes and tensor counts
that no training step chose.

Each case draws a tensor count (log-uniform 1..600) and a total parameter count (log-uniform
1e4..4e8), splits the total over the tensors with log-normal sizes (as real models mix biases and
big matrices), and times optimizer.step() with DESIGN §7's method (L2 flushed, events, median).
Grads are fp32 (autocast keeps fp32 master weights and grads). One profiled step gives the kernel
names, counts and their GPU time. `group` = optimizer/impl is the leave-one-group-out unit.

Writes optimizer_<gpu>.csv and optimizer_<gpu>_kernels.csv under --out.
"""
import argparse
import csv
import os
import random
import time

import torch

import gpu_method as gm
from optimizer_cases import draw

COLUMNS = ["index", "group", "optimizer", "impl", "tensors", "params", "largest", "smallest", "device",
           "median_us", "min_us", "max_us", "reps", "sm_clock_mhz", "host_us", "eager_us", "kernel_count",
           "kernel_sum_us", "status"]
# the case draw lives in optimizer_cases.py (no torch) so compare_optimizer.py rebuilds the sizes


def build(opt, impl, sizes):
    params = [torch.nn.Parameter(torch.randn(n, device="cuda") * 0.01) for n in sizes]
    for p in params:
        p.grad = torch.randn_like(p) * 1e-3
    flags = {"foreach": impl == "foreach", "fused": impl == "fused"}
    if opt == "sgd_momentum":
        o = torch.optim.SGD(params, lr=1e-3, momentum=0.9, **flags)
    elif opt == "adam":
        o = torch.optim.Adam(params, lr=1e-4, **flags)
    else:
        o = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01, **flags)
    o.step()  # creates the state (momentum buffers, exp_avg, exp_avg_sq)
    torch.cuda.synchronize()
    return o, params


def profile_step(o):
    from torch.profiler import ProfilerActivity, profile
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        o.step()
        torch.cuda.synchronize()
    out = []
    for e in prof.events():
        # torch.optim's record_function range ("Optimizer.step#Adam.step") spans the kernels
        if str(getattr(e, "device_type", "")).endswith("CUDA") and not e.name.startswith("Optimizer."):
            out.append((e.time_range.start, e.name, float(e.time_range.elapsed_us())))
    return [(n, u) for _, n, u in sorted(out)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gpu", default="h100")
    ap.add_argument("--count", type=int, default=90)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--budget-s", type=float, default=90)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    nvml = gm.Nvml()
    flusher = gm.L2Flusher()
    device = torch.cuda.get_device_name(0)
    fr = open(os.path.join(args.out, f"optimizer_{args.gpu}.csv"), "w", newline="")
    fk = open(os.path.join(args.out, f"optimizer_{args.gpu}_kernels.csv"), "w", newline="")
    wr, wk = csv.writer(fr), csv.writer(fk)
    wr.writerow(COLUMNS)
    wk.writerow(["index", "order", "kernel", "us"])
    t_start = time.time()
    for idx in range(args.count):
        if time.time() - t_start > args.budget_s:
            print(f"budget reached after {idx} cases", flush=True)
            break
        opt, impl, sizes = draw(rng)
        row = [idx, f"{opt}/{impl}", opt, impl, len(sizes), sum(sizes), max(sizes), min(sizes), device]
        try:
            o, params = build(opt, impl, sizes)
            t = gm.time_cold(o.step, flusher, nvml, reps=15, warmup=3)
            host, eager = gm.eager_cost(o.step, calls=10)
            ks = profile_step(o)
            row += [gm.fmt(t["median_us"]), gm.fmt(t["min_us"]), gm.fmt(t["max_us"]), t["reps"],
                    t["sm_clock_mhz"], gm.fmt(host), gm.fmt(eager), len(ks), gm.fmt(sum(u for _, u in ks)), "ok"]
            for order, (n, u) in enumerate(ks):
                wk.writerow([idx, order, n[:300], gm.fmt(u)])
            del o, params
        except Exception as e:  # one line per failed case; the set goes on
            row += [""] * 9 + [f"error: {type(e).__name__}: {str(e)[:150]}"]
        wr.writerow(row)
        fr.flush()
        fk.flush()
        torch.cuda.empty_cache()
    fr.close()
    fk.close()


if __name__ == "__main__":
    main()
