#pragma once
// Fused scaled-dot-product attention: out = softmax(Q K^T / sqrt(D)) V per (batch, head).
// macs() counts both matmuls in full (B*H*S*KV*D each), as the zoo reference counts do; a
// causal mask lets a kernel skip about half of that work, which the architecture models decide.
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct AttentionParams {
  int64_t batch = 1, heads = 1, kv_heads = 1;  // kv_heads < heads: grouped-query attention
  int64_t q_len = 1, kv_len = 1, head_dim = 64;
  bool causal = false;
  // An additive mask over key positions broadcast over the queries (BERT's attention_mask):
  // same math, but it changes which kernel PyTorch's SDPA can take.
  bool padding_mask = false;

  int64_t macs() const;
  int64_t vector_flops() const { return batch * heads * q_len * kv_len * 5; }  // softmax
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
