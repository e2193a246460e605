"""Nsight Compute sections for the kernels of convolution passes (forward, data gradient, weight
gradient) as PyTorch runs them by default: what bounds each kernel (L2, DRAM, shared memory,
tensor pipes) where orrery's implicit-GEMM model and the measurement part.

  ncu --profile-from-start off --csv --page details --section SpeedOfLight ... \
      python3 ncu_conv_passes.py --specs specs.txt
Each op is warmed up (cuDNN's heuristics and workspace), then run once inside
cudaProfilerStart/Stop, so ncu sees exactly the kernels of one call. NVTX-free: ops run in the
order of the spec file, one call each, and ncu's ID column orders the kernels.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure_random_ops as mro  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--specs", required=True)
    a = ap.parse_args()
    gen = torch.Generator(device="cuda").manual_seed(0)
    specs = [s.strip() for s in open(a.specs) if s.strip() and not s.startswith("#")]
    for spec in specs:
        fn = mro.build(spec, gen)
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        print(f"SPEC {spec}", flush=True)
        torch.cuda.profiler.start()
        fn()
        torch.cuda.synchronize()
        torch.cuda.profiler.stop()


if __name__ == "__main__":
    main()
