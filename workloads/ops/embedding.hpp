#pragma once
// Table lookup (token/position embedding, Gather on a weight): `lookups` rows of `dim` read
// from a [vocab, dim] table. Indices are 32-bit; they are carried as an fp32-sized tensor.
// backward: the table's gradient, a scatter-add of the dY rows into a [vocab, dim] dW (in: dY,
// indices; out: dW, written whole since rows no token hit are zeros).
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct EmbeddingParams {
  int64_t lookups = 1, vocab = 1, dim = 1;
  bool backward = false;

  int64_t macs() const { return 0; }
  int64_t vector_flops() const { return backward ? lookups * dim : 0; }  // one add per scattered value
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
