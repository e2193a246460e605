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

// Key blocks per CTA of a causal grid of `q_blocks` x `br` queries over `kv_blocks` x `bc` keys:
// the average, and the per-CTA work that the busiest SM implies (CTAs, longest first within each
// head, go to the least-loaded SM; `ctas_per_sm` share one SM's MMA rate). Every fused backend
// times its causal grid by it.
struct CausalBlocks {
  double average = 0, timed = 0;
};
CausalBlocks causal_blocks(const workloads::AttentionParams& a, const arch::gpu::GpuSpec& spec,
                           int64_t ctas_per_sm, int64_t br, int64_t bc, int64_t q_blocks, int64_t kv_blocks);

// FlashAttention-2 (PyTorch's FLASH_ATTENTION backend) forward.
GpuMapping map_attention(const workloads::AttentionParams& a, workloads::DType dtype,
                         const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
