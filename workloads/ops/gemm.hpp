#pragma once
// Batched matrix multiply C[b,m,n] = sum_k A[b,m,k] * B[(b),k,n]. A Linear layer is batch=1 with
// the tokens/images folded into m and B a weight shared by all rows. trans_a/trans_b record the
// operands' storage layout (A stored [b,k,m], B stored [(b),n,k]): the work is the same, but the
// kernels differ (a weight gradient dW = X^T dY reads X transposed).
#include <cstdint>
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct GemmParams {
  int64_t batch = 1;
  int64_t m = 1, n = 1, k = 1;
  bool b_is_weight = false;  // B is a parameter (Linear) rather than an activation (QK^T, AV)
  bool bias = false;         // a bias vector of length n (a parameter)
  bool trans_a = false, trans_b = false;

  int64_t macs() const;
  int64_t vector_flops() const { return bias ? batch * m * n : 0; }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
