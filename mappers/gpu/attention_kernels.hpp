#pragma once
// Fused attention as PyTorch's FlashAttention-2 backend runs it. See library_mapper.hpp.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/attention.hpp"

namespace orrery::mappers::gpu {

// How many ways FlashAttention-2 splits the keys: `blocks` (batch x heads x 64-query blocks)
// over `slots` (twice the SM count: 128-thread CTAs, as the library hard-codes), `n_blocks`
// key blocks, at most `max_splits`.
int64_t fa2_num_splits(int64_t blocks, int64_t slots, int64_t n_blocks, int64_t max_splits);

GpuMapping map_attention(const workloads::AttentionParams& a, workloads::DType dtype,
                         const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
