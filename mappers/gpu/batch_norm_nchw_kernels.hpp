#pragma once
// Training batch norm on NCHW activations (PyTorch's default memory format) as it runs there:
// one CTA per channel reducing the whole batch of that channel, so a layer with few channels
// and large maps keeps a few dozen SMs busy walking long loops.
//   16-bit activations under autocast (fp32 weights: not cuDNN's case): ATen's
//     batch_norm_collect_statistics_kernel (Welford over N x HW), batch_norm_update_stats_and_invert
//     (per channel), batch_norm_transform_input_kernel; backward batch_norm_backward_kernel (the two
//     sums over N x HW, then dX in a second pass).
//   fp32: cuDNN's bn_fw_tr_1C11 (statistics and normalization in one kernel, one read) and
//     bn_bw_1C11 (two passes).
// Launch shapes from aten/src/ATen/native/cuda/Normalization.cuh (MAX_BLOCK_SIZE 512,
// getNumThreads); each thread's loop over its (sample, pixel) elements is a chain of dependent
// load -> use steps (calibration.dependent_access_ns), as for the other ATen loops.
#include <cstdint>
#include <vector>

#include "arch/gpu/kernel.hpp"
#include "arch/gpu/spec.hpp"

namespace orrery::mappers::gpu {

// n samples, c channels, pixels per channel map (H x W, or D x H x W).
std::vector<arch::gpu::Kernel> batch_norm_nchw_forward(int64_t n, int64_t c, int64_t pixels,
                                                       workloads::DType dtype,
                                                       const arch::gpu::GpuSpec& spec);
std::vector<arch::gpu::Kernel> batch_norm_nchw_backward(int64_t n, int64_t c, int64_t pixels,
                                                        workloads::DType dtype,
                                                        const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
