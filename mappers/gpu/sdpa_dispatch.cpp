#include "mappers/gpu/sdpa_dispatch.hpp"

#include <fmt/format.h>

#include <array>

#include "common/error.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::AttentionBackend;
using workloads::DType;

namespace {

bool half(DType dt) { return dt == DType::fp16 || dt == DType::bf16; }
bool single(DType dt) { return dt == DType::fp32 || dt == DType::tf32; }  // fp32 storage

}  // namespace

std::string sdpa_ineligible(AttentionBackend backend, const workloads::AttentionParams& a, DType dtype,
                            const arch::gpu::GpuSpec& spec) {
  const int64_t cc = spec.compute_capability, d = a.head_dim;
  const bool causal_non_square = a.causal && a.q_len != a.kv_len && a.q_len > 1;
  switch (backend) {
    case AttentionBackend::cudnn:
      // check_cudnn_hardware_support, check_dtypes_low_precision, check_cudnn_tensor_shapes.
      if (cc < 80) return "cuDNN attention needs sm80+";
      if (!half(dtype)) return fmt::format("cuDNN attention runs fp16/bf16, not {}", to_string(dtype));
      if (d > 256 || d % 8 != 0)
        return fmt::format("cuDNN attention needs head_dim <= 256 and % 8, got {}", d);
      if (causal_non_square) return "cuDNN attention: causal with q_len != kv_len";
      // transformers' 4-D additive mask under CUDA-graph capture: the measured replays
      // (validation/data/model_graph_kernels_h100.csv, BERT) take the math path.
      if (a.padding_mask) return "an additive key mask (as captured in the measured graphs: math path)";
      return "";
    case AttentionBackend::flash:
      // check_flash_attention_hardware_support, check_head_dim_size_flash, check_for_attn_mask,
      // check_flash_causal_non_square_seqlens.
      if (cc < 80) return "FlashAttention-2 needs sm80+";
      if (!half(dtype)) return fmt::format("FlashAttention-2 runs fp16/bf16, not {}", to_string(dtype));
      if (d > 256 || d % 8 != 0)
        return fmt::format("FlashAttention-2 needs head_dim <= 256 and % 8, got {}", d);
      if (a.padding_mask) return "FlashAttention-2 takes no attention mask";
      if (causal_non_square) return "FlashAttention-2: causal with q_len != kv_len";
      return "";
    case AttentionBackend::efficient:
      // check_mem_efficient_hardware_support, check_head_dim_size_mem_efficient (alignment 8 for
      // 16-bit types, 4 for fp32).
      if (cc < 50) return "memory-efficient attention needs sm50+";
      if (!half(dtype) && !single(dtype))
        return fmt::format("memory-efficient attention runs fp16/bf16/fp32, not {}", to_string(dtype));
      if (dtype == DType::bf16 && cc < 80) return "memory-efficient attention runs bf16 only on sm80+";
      if (d % (half(dtype) ? 8 : 4) != 0)
        return fmt::format("memory-efficient attention: head_dim {} misaligned", d);
      if (a.padding_mask) return "an additive key mask (as captured in the measured graphs: math path)";
      // PyTorch 2.11 on the H100: enable_gqa with EFFICIENT_ATTENTION is "No available kernel"
      // (validation/data/random_ops_h100.csv).
      if (a.kv_heads != a.heads)
        return "memory-efficient attention: no grouped-query (kv_heads != heads) support";
      return "";
    case AttentionBackend::math:
      if (!half(dtype) && !single(dtype))
        return fmt::format("PyTorch's SDPA has no {} path", to_string(dtype));
      return "";
    case AttentionBackend::auto_:
      return "auto is not a backend";
  }
  return "unknown backend";
}

SdpaChoice select_sdpa_backend(const workloads::AttentionParams& a, DType dtype,
                               const arch::gpu::GpuSpec& spec, Runtime rt, AttentionBackend requested) {
  if (requested == AttentionBackend::auto_ && rt == Runtime::library)
    requested = AttentionBackend::flash;  // the harness forces SDPBackend.FLASH_ATTENTION
  if (requested != AttentionBackend::auto_) {
    const std::string why = sdpa_ineligible(requested, a, dtype, spec);
    if (!why.empty())
      throw WorkloadError(
          fmt::format("attention backend {} cannot run this op: {}", to_string(requested), why));
    return {requested, "backend forced"};
  }
  // check_prefer_cudnn_attention: cuDNN > 9.15 on sm90 / sm100 (major 9 or 10, minor 0).
  const bool prefer_cudnn = spec.software.cudnn_version_number() >= 91500 &&
                            (spec.compute_capability == 90 || spec.compute_capability == 100);
  const std::array<AttentionBackend, 4> order =
      prefer_cudnn ? std::array{AttentionBackend::cudnn, AttentionBackend::flash, AttentionBackend::efficient,
                                AttentionBackend::math}
                   : std::array{AttentionBackend::flash, AttentionBackend::efficient, AttentionBackend::math,
                                AttentionBackend::cudnn};
  std::string skipped;
  for (const auto b : order) {
    const std::string why = sdpa_ineligible(b, a, dtype, spec);
    if (why.empty()) return {b, skipped.empty() ? "first in SDPA's priority" : skipped};
    skipped += (skipped.empty() ? "" : "; ") + why;
  }
  throw WorkloadError(
      fmt::format("scaled_dot_product_attention has no backend for {}: {}", to_string(dtype), skipped));
}

}  // namespace orrery::mappers::gpu
