#pragma once
// The kernels PyTorch 2.11 launches for batch norm (inference) and max pooling on NCHW
// activations, and cuDNN's inference batch norm that it picks for fp32 in either layout. Their
// launch shapes come from ATen's sources (Normalization.cuh, DilatedMaxPool2d.cu); the kernel
// names are those the profiler shows in validation/data/random_ops_h100_kernels.csv.
#include <cstdint>

#include "arch/gpu/kernel.hpp"
#include "arch/gpu/spec.hpp"
#include "workloads/ops/pool.hpp"

namespace orrery::mappers::gpu {

// Normalization.cuh's getNumThreads: the smallest of 32..512 threads (powers of two) covering n,
// at most 512 (MAX_BLOCK_SIZE).
int64_t norm_threads(int64_t n);

// batch_norm_transform_input_kernel on an (N, C, pixels) activation: a CTA per channel plane
// and batch range, threads along the pixels. `input_in_l2`: the activation is still in the L2
// (training: the statistics kernel just read it and it fits); else it streams from DRAM.
arch::gpu::Kernel batch_norm_transform_nchw(int64_t n, int64_t c, int64_t pixels, workloads::DType dtype,
                                            bool input_in_l2, const arch::gpu::GpuSpec& spec);

// cuDNN's bn_fw_inf_1C11_kernel_{NCHW,NHWC}: normalization with the running statistics and the
// per-channel scale and shift in one streaming kernel (no separate statistics kernels).
arch::gpu::Kernel cudnn_batch_norm_inference(int64_t n, int64_t c, int64_t pixels, bool nhwc,
                                             workloads::DType dtype, const arch::gpu::GpuSpec& spec);

// max_pool_forward_nchw: one thread per output (256-thread CTAs), the window's taps loaded one
// after another, the value and its int64 argmax stored.
arch::gpu::Kernel max_pool_nchw(const workloads::PoolParams& p, workloads::DType dtype,
                                const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
