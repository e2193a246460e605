#pragma once
// Which backend PyTorch's scaled_dot_product_attention runs (aten/src/ATen/native/transformers/
// cuda/sdp_utils.cpp, torch 2.11): the backends in priority order, the first whose eligibility
// checks pass. On sm90/sm100 with cuDNN >= 9.15 cuDNN's fused attention comes first
// (check_prefer_cudnn_attention), then FlashAttention-2, the CUTLASS memory-efficient kernel, and
// the math path. A forced backend that is not eligible falls back the same way PyTorch's
// sdpa_kernel context does not (it errors): here it is a WorkloadError naming the reason.
#include <optional>
#include <string>

#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/attention.hpp"

namespace orrery::mappers::gpu {

struct SdpaChoice {
  arch::gpu::AttentionBackend backend = arch::gpu::AttentionBackend::math;
  std::string why;  // the rule that picked it (shown in the mapping's note)
};

// Why `backend` cannot run this op ("" if it can).
std::string sdpa_ineligible(arch::gpu::AttentionBackend backend, const workloads::AttentionParams& a,
                            workloads::DType dtype, const arch::gpu::GpuSpec& spec);

// The backend for one attention op: `requested` (an op spec's backend=, else the config's
// software.attention_backend) when not auto, else the priority above. The `library` runtime
// (orrery's harness, validation/scripts/measure_attention.py) forces FlashAttention-2 for auto.
SdpaChoice select_sdpa_backend(const workloads::AttentionParams& a, workloads::DType dtype,
                               const arch::gpu::GpuSpec& spec, Runtime rt,
                               arch::gpu::AttentionBackend requested);

}  // namespace orrery::mappers::gpu
