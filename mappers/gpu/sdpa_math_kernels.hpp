#pragma once
// PyTorch's math fallback of scaled_dot_product_attention, the path SDPA takes for an additive
// key mask broadcast over the queries (BERT's attention_mask) under CUDA-graph capture, where
// transformers cannot drop an all-ones mask (validation/data/model_graph_kernels_h100.csv: every
// BERT layer runs the FP32 SIMT bmm pair below, not a fused kernel). In FP32, as
// aten::_scaled_dot_product_attention_math upcasts half inputs:
//   mask: two fills and a where building the additive mask
//   q, k, v cast to FP32 (strided copies); q and k scaled by sqrt(scale)
//   K^T and Q made contiguous for the bmm; S = Q K^T (FP32 SIMT batched GEMM)
//   S += mask; softmax; _safe_softmax's isneginf, all-masked row reduction, fill and where
//   P cast to half and back; O = P V (FP32 SIMT batched GEMM); O cast to half; O transposed to
//   [B, S, H, D]
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/attention.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_attention_math(const workloads::AttentionParams& a, workloads::DType dtype,
                              const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
