#!/usr/bin/env python3
"""orrery's energy per training step against validation/data/step_clocks_h100.csv (measured with
measure_step_clocks.py: steps run back to back, the board's average power over the loop): per row,
measured energy = average power x median step time, predicted = `orrery simulate --train
--launch eager`'s total energy (kernels and the idle waits for the host).

  compare_step_energy.py --orrery build/orrery [--data ...] [--arch ...] [--max-err PCT]

Nothing is fitted here. With --max-err it exits 1 when the mean absolute error exceeds the bound
(the ctest `step_energy_validation` holds it).
"""
import argparse
import csv
import json
import statistics
import subprocess
import sys

OPTIONS = {"bert_base": "seq=128,head=mlm", "gpt2": "seq=512"}
OPTIMIZER = {"resnet50": "sgd_momentum", "efficientnet_b0": "sgd_momentum"}  # torch.optim.SGD(momentum=0.9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orrery", required=True)
    ap.add_argument("--data", default="validation/data/step_clocks_h100.csv")
    ap.add_argument("--arch", default="configs/gpu/h100_sxm.yaml")
    ap.add_argument("--max-err", type=float, default=None)
    a = ap.parse_args()
    errs = []
    print(f"{'model':<18}{'b':>5} {'prec':<6}{'measured J':>11}{'orrery J':>10}{'err %':>8}")
    for r in csv.DictReader(open(a.data)):
        if r["status"] != "ok":
            continue
        model = r["model"] + (":" + OPTIONS[r["model"]] if r["model"] in OPTIONS else "")
        cmd = [a.orrery, "simulate", "--arch", a.arch, "--model", model, "--batch", r["batch"], "--dtype",
               r["precision"], "--train", "--launch", "eager", "--format", "json",
               "--optimizer", OPTIMIZER.get(r["model"], "adamw")]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{model}: orrery failed: {out.stderr.strip()}")
            sys.exit(1)
        predicted = json.loads(out.stdout)["total"]["energy_j"]
        measured = float(r["avg_power_w"]) * float(r["step_ms"]) / 1e3
        err = 100.0 * (predicted - measured) / measured
        errs.append(abs(err))
        print(f"{model[:17]:<18}{r['batch']:>5} {r['precision']:<6}{measured:>11.2f}{predicted:>10.2f}{err:>8.1f}")
    mean = statistics.mean(errs)
    print(f"mean |error| energy per step: {mean:.1f} % over {len(errs)} rows")
    if a.max_err is not None and mean > a.max_err:
        print(f"FAIL: mean |error| {mean:.1f} % > {a.max_err} %")
        sys.exit(1)


if __name__ == "__main__":
    main()
