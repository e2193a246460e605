#pragma once
// Table lookup (token/position embedding, Gather on a weight): `lookups` rows of `dim` read
// from a [vocab, dim] table. Indices are 32-bit; they are carried as an fp32-sized tensor.
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct EmbeddingParams {
  int64_t lookups = 1, vocab = 1, dim = 1;

  int64_t macs() const { return 0; }
  int64_t vector_flops() const { return 0; }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
