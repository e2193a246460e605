#pragma once
// ATen's row-wise kernels (softmax, layer norm, RMS norm) as PyTorch 2.11 picks them by row length.
//   softmax (aten/src/ATen/native/cuda/SoftMax.cu, host_softmax):
//     cols <= 1024 (and <= 4 KiB): softmax_warp_forward, the persistent warp softmax: a row per
//       warp (two for rows <= 128), held in registers: one read, one write
//     a row within the 48 KiB of shared memory a block gets by default: cunn_SoftMaxForwardSmem,
//       one block per row, the row read once into shared memory, reduced twice, written
//     longer rows: cunn_SoftMaxForward, one block per row making three passes over it (max,
//       sum of exps, write): the second and third reads come from the L2 while the rows in
//       flight fit it, from DRAM otherwise; each pass is a chain of dependent loads per vector
//       a thread owns
//   layer norm / RMS norm (layer_norm_kernel.cu; F.rms_norm takes the same kernels in 2.11):
//     rows whose length is a whole number of 16-byte vectors: vectorized_layer_norm_kernel
//     (torch_native_kernels.hpp); otherwise RowwiseMomentsCUDAKernel (one read, per-row
//     statistics) then LayerNormForwardCUDAKernel (a second read and the write)
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_softmax_pytorch(int64_t rows, int64_t cols, workloads::DType dtype,
                               const arch::gpu::GpuSpec& spec);
GpuMapping map_layer_norm_pytorch(int64_t rows, int64_t cols, bool rms, workloads::DType dtype,
                                  const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
