#!/usr/bin/env python3
"""Splits issue 19's multi-GPU data into calibration and held-out rows BEFORE anything is fitted.

  split_multigpu.py --in DIR --out DIR2 [--heldout-world 4] [--heldout-ops reduce_scatter,broadcast]
                    [--heldout-models llama2_7b] [--heldout-strategies pp_1f1b]

Reads DIR/collectives_*.csv, DIR/parallel_*.csv and DIR/parallel_*_ranks.csv (as
measure_collectives.py / measure_parallel.py write them) and writes them to DIR2 (e.g.
validation/data; not DIR itself, where the scripts would refuse to append to the changed header)
with two more columns, `split` (calibration | heldout) and `split_reason`.

The rule uses the rows' keys only, never a measured value, and holds out WHOLE groups, so that a
fitted parameter never sees a neighbour of a held-out point:
  1. every row at the held-out GPU count (default 4: between the 2 and 8 the model is calibrated on,
     so its error there tests the scaling with N, not a fit of N=4 itself);
  2. collectives: whole kinds (default reduce_scatter and broadcast, at every N and size: the
     interconnect model is calibrated on all-reduce, all-gather and the p2p ops, and must then
     predict the other kinds from their algorithms alone);
  3. parallel steps: whole models (default the Llama-shaped model, every strategy and precision)
     and whole strategies (default pp_1f1b: the pipeline is calibrated on GPipe, 1F1B must follow
     from its schedule).
The first rule that matches gives `split_reason`; every other row is calibration. Rows of every
status get a split (skipped and error rows carry no numbers and are ignored by fits).
A held-out GPU count that is absent from the data is reported (the held-out set then has no whole
GPU count, only the kinds/models/strategies).
"""
import argparse
import csv
import glob
import os
import sys


def rule_for(kind, args):
    hw = str(args.heldout_world)
    ops = set(filter(None, args.heldout_ops.split(",")))
    models = set(filter(None, args.heldout_models.split(",")))
    strategies = set(filter(None, args.heldout_strategies.split(",")))

    def split(row):
        if row.get("world_size", "") == hw:
            return "heldout", f"world_size={hw}"
        if kind == "collectives" and row.get("op", "") in ops:
            return "heldout", f"op={row['op']}"
        if kind == "parallel":
            if row.get("model", "") in models:
                return "heldout", f"model={row['model']}"
            if row.get("strategy", "") in strategies:
                return "heldout", f"strategy={row['strategy']}"
        return "calibration", ""
    return split


def process(path, out_dir, args):
    name = os.path.basename(path)
    kind = "collectives" if name.startswith("collectives_") else "parallel"
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        print(f"{path}: empty file, expected a header row", file=sys.stderr)
        sys.exit(2)
    header = rows[0]
    need = ["world_size"] + (["op"] if kind == "collectives" else ["model", "strategy"])
    missing = [c for c in need if c not in header]
    if missing:
        print(f"{path}: missing column(s) {missing}; expected a {kind} CSV of issue 19", file=sys.stderr)
        sys.exit(2)
    keep = [i for i, c in enumerate(header) if c not in ("split", "split_reason")]
    split = rule_for(kind, args)
    out_rows = [[header[i] for i in keep] + ["split", "split_reason"]]
    counts = {}
    worlds = set()
    for r in rows[1:]:
        d = dict(zip(header, r))
        s, why = split(d)
        worlds.add(d.get("world_size", ""))
        ok = d.get("status", "ok") == "ok"
        counts[(s, ok)] = counts.get((s, ok), 0) + 1
        out_rows.append([r[i] if i < len(r) else "" for i in keep] + [s, why])
    dest = os.path.join(out_dir, name)
    tmp = dest + ".tmp"
    with open(tmp, "w", newline="") as f:
        csv.writer(f).writerows(out_rows)
    os.replace(tmp, dest)
    summary = ", ".join(f"{s} {counts.get((s, True), 0)} ok + {counts.get((s, False), 0)} other"
                        for s in ("calibration", "heldout"))
    print(f"{dest}: {summary}; GPU counts {sorted(worlds, key=lambda w: int(w) if w.isdigit() else 0)}")
    if str(args.heldout_world) not in worlds:
        print(f"  note: no rows at the held-out GPU count {args.heldout_world}; held out here: whole kinds only")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--heldout-world", type=int, default=4)
    ap.add_argument("--heldout-ops", default="reduce_scatter,broadcast")
    ap.add_argument("--heldout-models", default="llama2_7b")
    ap.add_argument("--heldout-strategies", default="pp_1f1b")
    a = ap.parse_args()
    out = a.out
    if not os.path.isdir(a.inp):
        print(f"--in {a.inp}: not a folder; expected the folder with collectives_*.csv / parallel_*.csv", file=sys.stderr)
        sys.exit(2)
    if os.path.realpath(out) == os.path.realpath(a.inp):
        print(f"--out {out}: the same folder as --in; expected another (the measuring scripts append to --in)",
              file=sys.stderr)
        sys.exit(2)
    os.makedirs(out, exist_ok=True)
    files = sorted(glob.glob(os.path.join(a.inp, "collectives_*.csv")) + glob.glob(os.path.join(a.inp, "parallel_*.csv")))
    if not files:
        print(f"--in {a.inp}: no collectives_*.csv or parallel_*.csv found", file=sys.stderr)
        sys.exit(2)
    for p in files:
        process(p, out, a)


if __name__ == "__main__":
    main()
