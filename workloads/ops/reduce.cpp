#include "workloads/ops/reduce.hpp"

#include <fmt/format.h>

#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

LoopNest ReduceParams::loop_nest() const {
  LoopNest nest{{{"o", out_numel}, {"r", in_numel / out_numel}}, {}};
  nest.tensors.push_back({placeholder(TensorRole::input, 0),
                          TensorRole::input,
                          {AffineIndex{{{0, in_numel / out_numel}, {1, 1}}, 0}}});
  nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, {axis(0)}});
  return nest;
}

std::string ReduceParams::describe() const {
  return fmt::format("reduce_{} {} -> {}", fn, in_numel, out_numel);
}

void ReduceParams::validate(const std::string& where) const {
  require_positive(where, "input elements", in_numel);
  require_positive(where, "output elements", out_numel);
  if (in_numel % out_numel)
    throw WorkloadError(
        fmt::format("{}: reduction from {} to {} elements is not whole", where, in_numel, out_numel));
}

}  // namespace orrery::workloads
