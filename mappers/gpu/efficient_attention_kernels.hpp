#pragma once
// The CUTLASS memory-efficient attention (xformers' kernel, PyTorch's EFFICIENT_ATTENTION backend)
// as it runs on sm80+: `fmha_cutlassF_{f16,bf16}_aligned_64x128_rf_sm80` (64 queries x 128 keys per
// step, the output kept in registers) for head dims <= 128, `..._32x128_gmem` above (the output
// accumulated in global memory); fp32 `fmha_cutlassF_f32_aligned_64x64_rf_sm80` (32x128_gmem above
// 64) on TF32 tensor cores in the 3xTF32 split (OpMultiplyAddFastF32: three TF32 MMAs per product,
// full fp32 accuracy). mma.sync kernels: the FlashAttention-2 engine efficiency applies.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/attention.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_efficient_attention(const workloads::AttentionParams& a, workloads::DType dtype,
                                   const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
