#pragma once
// Fused scaled-dot-product attention: out = softmax(Q K^T / sqrt(D)) V per (batch, head).
// macs() counts both matmuls in full (B*H*S*KV*D each), as the zoo reference counts do; a
// causal mask lets a kernel skip about half of that work, which the architecture models decide.
//
// backward: the gradient of the same attention. In: Q, K, V, O, dO and the forward's
// log-sum-exp (fp32, [B, H, S]); out: dQ, dK, dV. Its matmuls per (batch, head): dV = P^T dO,
// dP = dO V^T, dQ = dS K, dK = dS^T Q (4 x S x KV x D), and the fused backends (flash,
// efficient, cudnn; `auto` is assumed fused) also recompute S = Q K^T from the saved
// log-sum-exp rather than keep P (5 x S x KV x D, 2.5x the forward). The math backend keeps P
// from its forward and does the 4. macs() is this backward's own matmul work.
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

// auto: the config's software default (the stack decides, as SDPA does).
enum class AttentionBackend { auto_, flash, efficient, cudnn, math };
std::string_view to_string(AttentionBackend b);

struct AttentionParams {
  int64_t batch = 1, heads = 1, kv_heads = 1;  // kv_heads < heads: grouped-query attention
  int64_t q_len = 1, kv_len = 1, head_dim = 64;
  bool causal = false;
  // An additive mask over key positions broadcast over the queries (BERT's attention_mask):
  // same math, but it changes which kernel PyTorch's SDPA can take.
  bool padding_mask = false;
  AttentionBackend backend = AttentionBackend::auto_;
  bool backward = false;

  int64_t macs() const;
  // softmax (forward); backward: exp of the recomputed scores and dS = P * (dP - rowsum(dO*O))
  int64_t vector_flops() const { return batch * heads * q_len * kv_len * (backward ? 4 : 5); }
  bool recomputes_scores() const { return backward && backend != AttentionBackend::math; }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
