#pragma once
// ATen's row-wise kernels (softmax, layer norm, RMS norm) as PyTorch 2.11 picks them by row length.
//   softmax (aten/src/ATen/native/cuda/SoftMax.cu, host_softmax, torch 2.11):
//     cols <= 2048 (and <= 8 KiB): softmax_warp_forward: a row per warp (two for rows <= 128)
//       held in registers, 128-thread blocks, not persistent: each wave loads, reduces, stores
//     else a block of min(cols, 1024) threads per row (SoftMaxForward_getBlockSize) and
//       reg_cnt = ceil(cols / block): reg_cnt < 10: cunn_SoftMaxForwardReg (the row in
//       registers, one read); a row within the 48 KiB of shared memory a block gets by default
//       (and a whole number of 16-byte vectors): cunn_SoftMaxForwardSmem; longer rows:
//       cunn_SoftMaxForward, three passes (max, sum of exps, write) whose re-reads hit the L2
//       while the rows in flight fit it. The looped kernels wait each vector load in turn: on
//       cold data a DRAM round trip per vector a thread owns (Kernel::dram_round_trips)
//   layer norm / RMS norm (layer_norm_kernel.cu; F.rms_norm takes the same kernels in 2.11):
//     rows whose length is a whole number of 16-byte vectors: vectorized_layer_norm_kernel
//     (torch_native_kernels.hpp); otherwise RowwiseMomentsCUDAKernel (one read, per-row
//     statistics) then LayerNormForwardCUDAKernel (a second read and the write)
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"

namespace orrery::mappers::gpu {

// `log`: log_softmax (LogSoftMaxForwardEpilogue, one exp per element fewer).
GpuMapping map_softmax_pytorch(int64_t rows, int64_t cols, workloads::DType dtype,
                               const arch::gpu::GpuSpec& spec, bool log = false);
// host_softmax_backward: softmax_warp_backward up to 1024 columns (4 KiB), else
// cunn_SoftMaxBackwardSmem while the row fits 48 KiB, else cunn_SoftMaxBackward. `grad_in_l2`:
// the incoming gradient was just written by the kernels before (cross-entropy's nll_loss
// backward) and is read from the L2.
GpuMapping map_softmax_backward_pytorch(int64_t rows, int64_t cols, workloads::DType dtype,
                                        const arch::gpu::GpuSpec& spec, bool log = false,
                                        bool grad_in_l2 = false);
GpuMapping map_layer_norm_pytorch(int64_t rows, int64_t cols, bool rms, workloads::DType dtype,
                                  const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
