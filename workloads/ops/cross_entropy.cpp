#include "workloads/ops/cross_entropy.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

int64_t CrossEntropyParams::vector_flops() const {
  return checked_mul(checked_mul(rows, classes, "cross_entropy"), backward ? 3 : 4, "cross_entropy");
}

OpTensors CrossEntropyParams::tensors(DType dt) const {
  const Tensor logits{"", {rows, classes}, dt};      // logits, log-probabilities, their gradients
  const Tensor targets{"", {rows, 2}, DType::fp32};  // int64 class indices
  if (backward) return {{logits, targets}, {}, {logits}};
  return {{logits, targets}, {}, {{"", {1}, DType::fp32}, logits}};
}

LoopNest CrossEntropyParams::loop_nest() const {
  LoopNest nest{{{"r", rows}, {"c", classes}}, {}};
  nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, {axis(0), axis(1)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::output, backward ? 0 : 1), TensorRole::output, {axis(0), axis(1)}});
  return nest;
}

std::string CrossEntropyParams::describe() const {
  return fmt::format("cross_entropy{} rows={} classes={}", backward ? " backward" : "", rows, classes);
}

void CrossEntropyParams::validate(const std::string& where) const {
  require_positive(where, "rows", rows);
  require_positive(where, "classes", classes);
  (void)vector_flops();
}

}  // namespace orrery::workloads
