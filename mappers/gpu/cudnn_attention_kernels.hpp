#pragma once
// cuDNN's fused attention as PyTorch's CUDNN_ATTENTION backend runs it (cuDNN 9.19, sm90):
//   prefill  a cudaMemset of the workspace, then `cudnn_generated_fort_native_sdpa_sm90_flash_fprop_
//            wgmma_f16_knob_7_64x128x{64,128}_4x1x1`: wgmma from shared memory, 128 queries per CTA
//            (two consumer warpgroups of 64 rows), key blocks of 128, the head dim padded to 64 or 128
//            (up to 256 in steps of 64); causal grids skip the blocks past the diagonal
//   decode   (q_len <= 16) `..._sm80_flash_fprop_wmma_f16_knob_35_16x128x{64,128}_1x4x1`: 16 query rows
//            (padded), four warps over key blocks of 128, no memset; where (batch x heads) CTAs leave
//            SMs idle and the cache is long, lean attention splits the keys over the SMs and
//            `cudnn::fusion::lean_reduction_kernel` combines the partials
// (kernel names: validation/data/attention_backends_h100.csv, ops2/ops3_attention_backends.csv).
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/attention.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_cudnn_attention(const workloads::AttentionParams& a, workloads::DType dtype,
                               const arch::gpu::GpuSpec& spec);

// The backward (training): `cudnn_generated_fort_native_sdpa_sm90_flash_bprop_wgmma_*` after the
// dO.O row sums and a zeroed fp32 dQ accumulator, then dQ converted to the op's dtype. Not yet
// checked against measurements.
GpuMapping map_cudnn_attention_backward(const workloads::AttentionParams& a, workloads::DType dtype,
                                        const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
