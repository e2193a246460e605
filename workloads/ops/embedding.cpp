#include "workloads/ops/embedding.hpp"

#include <fmt/format.h>

#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

OpTensors EmbeddingParams::tensors(DType dt) const {
  const Tensor idx{"", {lookups}, DType::fp32}, table{"", {vocab, dim}, dt}, rows{"", {lookups, dim}, dt};
  if (backward) return {{rows, idx}, {}, {table}};
  return {{idx}, {table}, {rows}};
}

LoopNest EmbeddingParams::loop_nest() const {
  // The row read from the table depends on data, not on loop indices: only the output and
  // the index tensor are affine in (t, d).
  LoopNest nest{{{"t", lookups}, {"d", dim}}, {}};
  if (backward) {  // dY rows are affine; the dW row they add into is data
    nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, {axis(0), axis(1)}});
    nest.tensors.push_back({placeholder(TensorRole::input, 1), TensorRole::input, {axis(0)}});
    return nest;
  }
  nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, {axis(0)}});
  nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, {axis(0), axis(1)}});
  return nest;
}

std::string EmbeddingParams::describe() const {
  return fmt::format("embedding{} lookups={} vocab={} dim={}", backward ? " backward" : "", lookups, vocab,
                     dim);
}

void EmbeddingParams::validate(const std::string& where) const {
  require_positive(where, "lookups", lookups);
  require_positive(where, "vocab", vocab);
  require_positive(where, "dim", dim);
}

}  // namespace orrery::workloads
