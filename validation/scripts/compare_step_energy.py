#!/usr/bin/env python3
"""orrery's energy per training step against validation/data/step_clocks_h100.csv (measured with
measure_step_clocks.py: steps run back to back, the board's average power over the loop): per row,
measured energy = average power x median step time, predicted = `orrery simulate --train
--launch eager`'s total energy (kernels and the idle waits for the host), run as
compare_training.py runs a training row (each model's options and optimizer from training_h100.csv).

  compare_step_energy.py --orrery build/orrery [--data ...] [--arch ...] [--max-err PCT]

Nothing is fitted here. With --max-err it exits 1 when the mean absolute error exceeds the bound
(the ctest `step_energy_validation` holds it).
"""
import argparse
import csv
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_training as ct  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orrery", required=True)
    ap.add_argument("--data", default="validation/data/step_clocks_h100.csv")
    ap.add_argument("--training", default="validation/data/training_h100.csv",
                    help="the training rows: each model's zoo options and optimizer, as measured")
    ap.add_argument("--arch", default="configs/gpu/h100_sxm.yaml")
    ap.add_argument("--max-err", type=float, default=None)
    a = ap.parse_args()
    trained = {r["model"]: r for r in csv.DictReader(open(a.training)) if r["status"] == "ok"}
    errs = []
    print(f"{'model':<18}{'b':>5} {'prec':<6}{'measured J':>11}{'orrery J':>10}{'err %':>8}")
    for r in csv.DictReader(open(a.data)):
        if r["status"] != "ok":
            continue
        t = trained[r["model"]]
        row = {"model": r["model"], "options": t["options"], "batch": r["batch"], "precision": r["precision"],
               "optimizer": t["optimizer"]}
        rep, why = ct.run(a.orrery, a.arch, row, "eager")
        if rep is None:
            print(f"{r['model']}: orrery failed: {why}")
            sys.exit(1)
        predicted = rep["total"]["energy_j"]
        measured = float(r["avg_power_w"]) * float(r["step_ms"]) / 1e3
        err = ct.err(predicted, measured)
        errs.append(abs(err))
        print(f"{r['model'][:17]:<18}{r['batch']:>5} {r['precision']:<6}{measured:>11.2f}{predicted:>10.2f}{err:>8.1f}")
    mean = statistics.mean(errs)
    print(f"mean |error| energy per step: {mean:.1f} % over {len(errs)} rows")
    if a.max_err is not None and mean > a.max_err:
        print(f"FAIL: mean |error| {mean:.1f} % > {a.max_err} %")
        sys.exit(1)


if __name__ == "__main__":
    main()
