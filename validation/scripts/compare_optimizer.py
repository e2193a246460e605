#!/usr/bin/env python3
"""orrery's optimizer step against validation/data/optimizer_h100.csv (measure_optimizer.py: random
parameter sets, torch.optim foreach and fused, one optimizer.step() each).

  compare_optimizer.py --orrery build/orrery [--data validation/data/optimizer_h100.csv]
                       [--arch configs/gpu/h100_sxm.yaml] [--seed 16] [--max-err PCT]

Each case's tensor sizes are drawn again from the seed (optimizer_cases.py), and
`orrery simulate --op optimizer:numels=...,algo=...,impl=...` predicts the kernels. Compared: the
launch count with the profiled kernel count, and the summed kernel busy time with the profiler's
kernel sum (kernel_sum_us: device time, no launch gaps). Nothing in the optimizer model is fitted
on this file, so every group (optimizer/impl) is held out; the errors are printed per group. With
--max-err it exits 1 when the mean absolute kernel-time error exceeds the bound or a launch count
differs (the ctest `optimizer_validation`).
"""
import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optimizer_cases import draw  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orrery", required=True)
    ap.add_argument("--data", default="validation/data/optimizer_h100.csv")
    ap.add_argument("--arch", default="configs/gpu/h100_sxm.yaml")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--max-err", type=float, default=None)
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.data)))
    rng = random.Random(a.seed)
    groups, mismatched = {}, 0
    print(f"{'idx':>4} {'group':<22}{'tensors':>8}{'params':>11}{'launch':>8}{'meas':>6}{'pred_us':>10}{'meas_us':>10}{'err%':>8}")
    for r in sorted(rows, key=lambda r: int(r["index"])):
        opt, impl, sizes = draw(rng)
        if (opt, impl, len(sizes), sum(sizes)) != (r["optimizer"], r["impl"], int(r["tensors"]), int(r["params"])):
            sys.exit(f"{a.data}: case {r['index']} does not match seed {a.seed}'s draw")
        if r["status"] != "ok":
            continue
        spec = f"optimizer:numels={'/'.join(map(str, sizes))},algo={opt},impl={impl}"
        p = subprocess.run([a.orrery, "simulate", "--arch", a.arch, "--op", spec, "--format", "json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"case {r['index']}: {p.stderr.strip()}")
        kernels = [k for l in json.loads(p.stdout)["layers"] for k in l["timing"]["kernels"]]
        pred = sum(k["busy_us"] for k in kernels)
        meas = float(r["kernel_sum_us"])
        e = 100.0 * (pred - meas) / meas
        mismatched += len(kernels) != int(r["kernel_count"])
        groups.setdefault(r["group"], []).append(e)
        print(f"{r['index']:>4} {r['group']:<22}{r['tensors']:>8}{r['params']:>11}{len(kernels):>8}"
              f"{r['kernel_count']:>6}{pred:>10.1f}{meas:>10.1f}{e:>8.1f}")
    every = [abs(e) for es in groups.values() for e in es]
    for g in sorted(groups):
        es = groups[g]
        print(f"{g:<22} {len(es):3d} cases: mean |error| {statistics.mean(abs(e) for e in es):5.1f} %, "
              f"mean error {statistics.mean(es):+5.1f} %, max |error| {max(abs(e) for e in es):5.1f} %")
    mean = statistics.mean(every)
    print(f"all groups held out: mean |error| {mean:.1f} % over {len(every)} cases "
          f"(median {statistics.median(every):.1f} %); launch counts differing: {mismatched}")
    if a.max_err is not None and (mean > a.max_err or mismatched):
        print(f"FAIL: mean |error| {mean:.1f} % (bound {a.max_err} %), {mismatched} launch counts differ")
        sys.exit(1)


if __name__ == "__main__":
    main()
