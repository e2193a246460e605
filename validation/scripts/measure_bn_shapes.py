#!/usr/bin/env python3
"""cuDNN's fp32 NCHW batch norm (training forward and backward) alone at ResNet-50's batch-128
shapes, kernel by kernel (torch.profiler), to compare with the same kernels inside a training step
(training_h100_kernels.csv). measure_bn_shapes.py --out DIR [--gpu h100]"""
import argparse, csv, os, sys
import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

SHAPES = [(128, 64, 112), (128, 64, 56), (128, 256, 56), (128, 128, 56), (128, 128, 28), (128, 512, 28),
          (128, 256, 28), (128, 256, 14), (128, 1024, 14), (128, 512, 14), (128, 512, 7), (128, 2048, 7)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--gpu", default="h100")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    flush = torch.empty(64 << 20, device="cuda")
    with open(os.path.join(a.out, f"bn_shapes_{a.gpu}.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["N", "C", "H", "W", "dtype", "phase", "kernel", "us_median"])
        for dt in (torch.float32, torch.float16):
            for n, c, hw in SHAPES:
                x = torch.randn(n, c, hw, hw, device="cuda", dtype=dt, requires_grad=True)
                wt = torch.ones(c, device="cuda", requires_grad=True)
                bs = torch.zeros(c, device="cuda", requires_grad=True)
                rm, rv = torch.zeros(c, device="cuda"), torch.ones(c, device="cuda")
                dy = torch.randn_like(x)
                res = {}
                for rep in range(6):
                    flush.fill_(rep)
                    torch.cuda.synchronize()
                    with profile(activities=[ProfilerActivity.CUDA]) as prof:
                        y = F.batch_norm(x, rm, rv, wt, bs, training=True)
                        torch.cuda.synchronize()
                        flush.fill_(rep + 0.5)
                        y.backward(dy)
                        torch.cuda.synchronize()
                    for e in prof.events():
                        if str(getattr(e, "device_type", "")).endswith("CUDA") and "bn_" in e.name:
                            ph = "forward" if "bn_fw" in e.name else "backward"
                            res.setdefault((ph, e.name[:120]), []).append(e.time_range.elapsed_us())
                    x.grad = None
                for (ph, k), v in res.items():
                    v = sorted(v)[1:] if len(v) > 2 else v
                    w.writerow([n, c, hw, hw, str(dt).split(".")[1], ph, k, f"{v[len(v) // 2]:.3f}"])
                    print(n, c, hw, dt, ph, k[:60], f"{v[len(v) // 2]:.1f}", flush=True)
                del x, dy
                torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
