#!/usr/bin/env python3
"""orrery's training step against validation/data/training_h100.csv (measured with
measure_training.py): per row, the GPU kernel time of each phase (forward, backward, optimizer),
the eager step time, the eager forward's and backward's wall times and the peak allocated memory,
predicted by `orrery simulate --train --launch eager`.

  compare_training.py --orrery build/orrery [--data validation/data/training_h100.csv]
                      [--arch configs/gpu/h100_sxm.yaml] [--out table.csv] [--models a,b]
                      [--max-peak-err PCT] [--max-kernel-err PCT] [--max-phase-err PCT] [--max-eager-err PCT]

Nothing here is fitted: it only runs the simulator and prints the errors. With --max-* it exits 1
when a mean absolute error exceeds the bound (the ctest `training_validation` holds them).

The measured phase kernel times are summed again from the per-kernel file (--kernels), leaving out
the profiler's GPU-side user annotations: torch.optim wraps step() in a record_function
("Optimizer.step#AdamW.step") whose GPU range measure_training.py's kernel filter let through, so
the optimizer_kernel_ms column counts the step's kernels twice (the range spans them).
"""
import sys
import argparse
import csv
import json
import statistics
import subprocess

OPTIMIZER = {"sgd": "sgd_momentum", "adamw": "adamw"}
FAMILY = {"resnet18": "cnn", "resnet50": "cnn", "mobilenet_v2": "cnn", "vgg16": "cnn", "efficientnet_b0": "cnn",
          "r3d_18": "cnn", "vit_b_16": "transformer", "bert_base": "transformer", "gpt2": "transformer",
          "llama2_7b": "transformer", "gcn": "gnn"}


def is_annotation(kernel):
    """A GPU-side record_function range (torch.optim's "Optimizer.step#SGD.step"), not a kernel."""
    return kernel.startswith("Optimizer.")


def phase_kernel_ms(path):
    """{(model, options, batch, precision): {phase: ms}} from the per-kernel file, annotations left out."""
    out = {}
    for r in csv.DictReader(open(path)):
        if is_annotation(r["kernel"]):
            continue
        key = (r["model"], r["options"], r["batch"], r["precision"])
        out.setdefault(key, {}).setdefault(r["phase"], 0.0)
        out[key][r["phase"]] += float(r["total_us"]) / 1e3
    return out


def run(orrery, arch, row, launch):
    model = row["model"] + (":" + row["options"] if row["options"] else "")
    cmd = [orrery, "simulate", "--arch", arch, "--model", model, "--batch", row["batch"], "--train",
           "--dtype", row["precision"], "--optimizer", OPTIMIZER[row["optimizer"]], "--launch", launch,
           "--format", "json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"
    return json.loads(p.stdout), ""


def err(pred, meas):
    return 100.0 * (pred - meas) / meas


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orrery", required=True)
    ap.add_argument("--data", default="validation/data/training_h100.csv")
    ap.add_argument("--kernels", default="", help="per-kernel file (default: --data with _kernels)")
    ap.add_argument("--arch", default="configs/gpu/h100_sxm.yaml")
    ap.add_argument("--out", default="")
    ap.add_argument("--models", default="", help="comma-separated zoo names (default: every row)")
    ap.add_argument("--max-peak-err", type=float, default=None)
    ap.add_argument("--max-kernel-err", type=float, default=None)
    ap.add_argument("--max-eager-err", type=float, default=None)
    # bounds the forward's and the backward's kernel-time errors, each
    ap.add_argument("--max-phase-err", type=float, default=None)
    a = ap.parse_args()
    rows = [r for r in csv.DictReader(open(a.data)) if r["status"] == "ok"]
    per_kernel = phase_kernel_ms(a.kernels or a.data.replace(".csv", "_kernels.csv"))
    if a.models:
        rows = [r for r in rows if r["model"] in a.models.split(",")]
    out, fam = [], []
    print(f"{'model':<44}{'b':>4} {'prec':<5}{'fwd%':>8}{'bwd%':>8}{'opt%':>8}{'kern%':>8}{'eager%':>8}{'peak%':>8}{'efwd%':>8}{'ebwd%':>8}")
    for r in rows:
        # One eager run, as the rows were measured: the model's Python takes its eager branches
        # (transformers drops an all-ones attention mask), and the phases' kernel times are the
        # phase times less the host waits.
        rep, why = run(a.orrery, a.arch, r, "eager")
        name = r["model"] + (":" + r["options"] if r["options"] else "")
        if rep is None:
            print(f"{name[:43]:<44}{r['batch']:>4} {r['precision']:<5} refused: {why}")
            out.append([name, r["batch"], r["precision"]] + [""] * 8 + [why])
            continue
        t = rep["train"]
        # The profiler's kernel sum counts the kernels' durations alone: the report's kernel_busy_s
        # (no launch gaps between kernels, no host waits).
        f_ms, b_ms, o_ms = (1e3 * t["kernel_busy_s"][k] for k in ("forward", "backward", "optimizer"))
        phases = per_kernel[(r["model"], r["options"], r["batch"], r["precision"])]
        mf, mb, mo = (phases.get(p, 0.0) for p in ("forward", "backward", "optimizer"))
        kern = err(f_ms + b_ms + o_ms, mf + mb + mo)
        eg = err(1e3 * rep["total"]["seconds"], float(r["step_ms"]))
        pk = err(t["peak_memory_bytes"], float(r["peak_allocated_bytes"]))
        # The eager phases' wall times (each phase synchronized on its own): kernels and host waits.
        ef, eb = (err(1e3 * t[k + "_s"], float(r[k + "_ms"])) for k in ("forward", "backward"))
        e = [err(f_ms, mf), err(b_ms, mb), err(o_ms, mo), kern, eg, pk, ef, eb]
        print(f"{name[:43]:<44}{r['batch']:>4} {r['precision']:<5}" + "".join(f"{x:>8.1f}" for x in e))
        out.append([name, r["batch"], r["precision"]] + [f"{x:.2f}" for x in e] + [""])
        fam.append((FAMILY.get(r["model"], "other"), r["precision"], e))
    ok = [o for o in out if o[3] != ""]
    failed = False
    for i, bound in ((5, a.max_peak_err), (3, a.max_kernel_err), (4, a.max_eager_err), (0, a.max_phase_err),
                     (1, a.max_phase_err)):
        if bound is not None:
            mean = statistics.mean(abs(float(o[3 + i])) for o in ok) if ok else float("inf")
            if mean > bound:
                what = ["forward", "backward", "optimizer", "kernel sum", "eager step", "peak memory"][i]
                print(f"FAIL: {what}: mean |error| {mean:.1f} % > {bound} %")
                failed = True
    if ok:
        for i, label in enumerate(["forward", "backward", "optimizer", "kernel sum", "eager step", "peak memory",
                                   "eager forward wall", "eager backward wall"]):
            vals = [abs(float(o[3 + i])) for o in ok]
            print(f"mean |error| {label}: {statistics.mean(vals):.1f} % over {len(vals)} rows "
                  f"(median {statistics.median(vals):.1f} %)")
    labels = ["fwd", "bwd", "opt", "kernel sum", "eager", "peak", "eager fwd", "eager bwd"]
    for group in sorted({(f, p) for f, p, _ in fam}):
        es = [e for f, p, e in fam if (f, p) == group]
        print(f"mean |error| {group[0]:<12}{group[1]:<5}({len(es):2d} rows): " +
              ", ".join(f"{lab} {statistics.mean(abs(e[i]) for e in es):.1f} %" for i, lab in enumerate(labels)))
    if a.out:
        with open(a.out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["model", "batch", "precision", "forward_err_pct", "backward_err_pct", "optimizer_err_pct",
                        "kernel_err_pct", "eager_step_err_pct", "peak_memory_err_pct", "eager_forward_err_pct",
                        "eager_backward_err_pct", "refused"])
            w.writerows(out)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
