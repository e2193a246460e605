#!/usr/bin/env python3
"""Where a training step's predicted kernel time differs from the measured one, by kernel family.

  training_breakdown.py --orrery build/orrery --phase forward|backward|optimizer [--rows resnet50/128/bf16,...]
                        [--data validation/data/training_h100.csv] [--arch configs/gpu/h100_sxm.yaml]

For each measured training row (compare_training.py's rows), the profiler's kernels of the phase
(validation/data/training_h100_kernels.csv) and the report's kernels of the phase (their busy time,
`orrery simulate --train --launch eager --format json`) are put in families by name (batch norm,
transposes, convolutions, GEMMs, casts, ...) and compared family by family, as a share of the
measured phase. The last lines average each family's share over the rows: which kernels the phase's
error comes from. Names are matched by keywords, so a family's measured and predicted kernels can
differ in detail (a split-K conv's reduction counts under `splitk`); read the per-row lines beside it.
Nothing here is fitted.
"""
import argparse
import collections
import csv
import json
import subprocess

import compare_training as ct

# (family, keywords in the lower-cased kernel name), first match wins
FAMILIES = [
    ("optimizer", ["multi_tensor", "_foreach", "fused_adam", "fused_sgd"]),
    ("transpose", ["nchwtonhwc", "nhwctonchw", "transpose"]),
    ("memset", ["memset"]),
    ("memcpy", ["memcpy"]),
    ("batchnorm", ["bn_fw", "bn_bw", "batch_norm"]),
    ("layernorm", ["layer_norm", "layernorm"]),
    ("softmax", ["softmax"]),
    ("attention", ["flash", "fmha", "sdpa", "attention"]),
    ("pool", ["max_pool", "maxpool", "avg_pool", "adaptive"]),
    ("splitk", ["splitk", "split_k"]),
    ("conv", ["conv", "dgrad", "wgrad", "implicit_convolve", "fprop", "sm90_xmma"]),
    ("gemm", ["gemm", "cutlass", "nvjet", "sm80_", "cublas"]),
    ("cast", ["bfloat16_copy", "direct_copy", "_cast", "cast_"]),
    ("reduce", ["reduce"]),
    ("embedding", ["embedding", "index", "gather", "scatter"]),
    ("elementwise", ["elementwise", "relu", "add", "mul", "gelu", "silu", "clone", "fill", "dropout"]),
]


def family(name):
    n = name.lower()
    for fam, keys in FAMILIES:
        if any(k in n for k in keys):
            return fam
    return "other"


def measured(path, key, phase):
    out = collections.defaultdict(float)
    for r in csv.DictReader(open(path)):
        if (r["model"], r["options"], r["batch"], r["precision"]) == key and r["phase"] == phase \
                and not ct.is_annotation(r["kernel"]):
            out[family(r["kernel"])] += float(r["total_us"])
    return out


def predicted(rep, phase):
    busy = rep["train"]["kernel_busy_s"]
    bounds = {"forward": (0, busy["forward"]), "backward": (busy["forward"], busy["forward"] + busy["backward"]),
              "optimizer": (busy["forward"] + busy["backward"], float("inf"))}[phase]
    out = collections.defaultdict(float)
    acc = 0.0  # the report lists the forward's ops, then the backward's, then the optimizer's
    for layer in rep["layers"]:
        for k, t in zip(layer["mapping"]["kernels"], layer["timing"]["kernels"]):
            s = t["busy_us"] * 1e-6
            if bounds[0] - 1e-12 <= acc < bounds[1] - 1e-12:
                out[family(k["kernel"])] += t["busy_us"]
            acc += s
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orrery", required=True)
    ap.add_argument("--phase", choices=["forward", "backward", "optimizer"], required=True)
    ap.add_argument("--data", default="validation/data/training_h100.csv")
    ap.add_argument("--arch", default="configs/gpu/h100_sxm.yaml")
    ap.add_argument("--rows", default="", help="model/batch/precision filters, comma-separated (substrings)")
    a = ap.parse_args()
    kernels = a.data.replace(".csv", "_kernels.csv")
    shares = collections.defaultdict(list)
    for r in csv.DictReader(open(a.data)):
        if r["status"] != "ok":
            continue
        tag = f'{r["model"]}/{r["batch"]}/{r["precision"]}'
        if a.rows and not any(s in tag for s in a.rows.split(",")):
            continue
        rep, why = ct.run(a.orrery, a.arch, r, "eager")
        if rep is None:
            print(f"{tag}: refused: {why}")
            continue
        m = measured(kernels, (r["model"], r["options"], r["batch"], r["precision"]), a.phase)
        p = predicted(rep, a.phase)
        total = sum(m.values())
        if total <= 0:
            continue
        print(f"{tag:34s} measured {total / 1e3:8.3f} ms, predicted {sum(p.values()) / 1e3:8.3f} ms "
              f"({100 * (sum(p.values()) - total) / total:+.1f} %)")
        for fam in sorted(set(m) | set(p), key=lambda f: -m.get(f, 0.0)):
            d = 100 * (p.get(fam, 0.0) - m.get(fam, 0.0)) / total
            shares[fam].append(d)
            if max(m.get(fam, 0.0), p.get(fam, 0.0)) >= 0.005 * total:
                print(f"    {fam:12s} measured {m.get(fam, 0.0) / 1e3:8.3f}  predicted {p.get(fam, 0.0) / 1e3:8.3f}"
                      f"  {d:+6.1f} % of the phase")
    rows = max((len(v) for v in shares.values()), default=0)
    for fam, v in sorted(shares.items(), key=lambda kv: sum(kv[1])):
        print(f"mean share of the {a.phase}'s error: {fam:12s} {sum(v) / rows:+6.2f} %")


if __name__ == "__main__":
    main()
