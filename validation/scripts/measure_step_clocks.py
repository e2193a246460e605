#!/usr/bin/env python3
"""The SM clock and board power while training steps run back to back (issue 16): a training
loop is a sustained load, so the power limiter, not the kernel alone, may set the clock.

Per case (zoo model, batch, precision, as measure_training.py builds and steps them): after a
warm-up, steps run back to back for `seconds`; a thread reads NVML's SM clock every 2 ms, and the
board energy counter gives the average power. One row per case: steps, median step time, the SM
clock's mean / median / 10th percentile / min, average power, temperature at the end.

  measure_step_clocks.py --out DIR [--gpu h100] [--seconds 3]
"""
import argparse
import csv
import os
import statistics
import sys
import threading
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_method as gm  # noqa: E402
import measure_training as mt  # noqa: E402

CASES = [("resnet50", 128, "fp32"), ("resnet50", 128, "bf16"), ("bert_base", 64, "bf16"),
         ("gpt2", 16, "fp32"), ("vit_b_16", 64, "bf16"), ("efficientnet_b0", 128, "fp32")]


def step_fn(name, batch, precision):
    entry = next(m for m in mt.MODELS if m[0] == name)
    _, _, build, opt_name, _ = entry
    m, inputs, loss_of, _, opt = mt.setup_training(build, opt_name, batch)

    def step():
        opt.zero_grad(set_to_none=True)
        if precision == "bf16":
            with torch.autocast("cuda", dtype=torch.bfloat16):
                loss = loss_of(m(*inputs))
        else:
            loss = loss_of(m(*inputs))
        loss.backward()
        opt.step()
    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gpu", default="h100")
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    nvml = gm.Nvml()
    dev = torch.cuda.get_device_name()
    path = os.path.join(a.out, f"step_clocks_{a.gpu}.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "batch", "precision", "steps", "step_ms", "clock_mean_mhz", "clock_median_mhz",
                    "clock_p10_mhz", "clock_min_mhz", "avg_power_w", "temperature_c", "device", "status"])
        for name, batch, precision in CASES:
            try:
                step = step_fn(name, batch, precision)
                for _ in range(3):
                    step()
                torch.cuda.synchronize()
                clocks, stop = [], threading.Event()

                def sample():
                    while not stop.is_set():
                        c = nvml.sm_clock_mhz()
                        if c:
                            clocks.append(c)
                        time.sleep(0.002)
                th = threading.Thread(target=sample)
                e0, t0, n, times = nvml.energy_mj(), time.perf_counter(), 0, []
                th.start()
                while time.perf_counter() - t0 < a.seconds:
                    s0 = time.perf_counter()
                    step()
                    torch.cuda.synchronize()
                    times.append(1e3 * (time.perf_counter() - s0))
                    n += 1
                t1, e1 = time.perf_counter(), nvml.energy_mj()
                stop.set()
                th.join()
                power = (e1 - e0) / 1e3 / (t1 - t0) if e0 is not None and e1 is not None else ""
                cs = sorted(clocks)
                row = [name, batch, precision, n, gm.fmt(statistics.median(times)),
                       gm.fmt(statistics.mean(cs)) if cs else "", statistics.median(cs) if cs else "",
                       cs[len(cs) // 10] if cs else "", cs[0] if cs else "",
                       gm.fmt(power) if power != "" else "", nvml.temperature_c(), dev, "ok"]
                w.writerow(row)
                print(row, flush=True)
                del step
                torch.cuda.empty_cache()
            except Exception as e:  # one row per refused case
                w.writerow([name, batch, precision, "", "", "", "", "", "", "", "", dev,
                            f"error: {type(e).__name__}: {str(e)[:120]}"])
                print(name, e, flush=True)


if __name__ == "__main__":
    main()
