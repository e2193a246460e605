#pragma once
// Fused attention as PyTorch's FlashAttention-2 backend runs it. See library_mapper.hpp.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/attention.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_attention(const workloads::AttentionParams& a, workloads::DType dtype,
                         const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
