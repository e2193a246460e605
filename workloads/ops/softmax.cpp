#include "workloads/ops/softmax.hpp"

#include <fmt/format.h>

#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

LoopNest SoftmaxParams::loop_nest() const {
  LoopNest nest{{{"r", rows}, {"c", cols}}, {}};
  nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, {axis(0), axis(1)}});
  if (backward)
    nest.tensors.push_back({placeholder(TensorRole::input, 1), TensorRole::input, {axis(0), axis(1)}});
  nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, {axis(0), axis(1)}});
  return nest;
}

std::string SoftmaxParams::describe() const {
  return fmt::format("softmax{} rows={} cols={}", backward ? " backward" : "", rows, cols);
}

void SoftmaxParams::validate(const std::string& where) const {
  require_positive(where, "rows", rows);
  require_positive(where, "cols", cols);
}

}  // namespace orrery::workloads
