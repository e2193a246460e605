#include "workloads/ops/norm.hpp"

#include <fmt/format.h>

#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

std::string_view to_string(NormParams::Type t) {
  switch (t) {
    case NormParams::Type::batch:
      return "batchnorm";
    case NormParams::Type::layer:
      return "layernorm";
    case NormParams::Type::group:
      return "groupnorm";
    case NormParams::Type::rms:
      return "rmsnorm";
  }
  return "norm";
}

OpTensors NormParams::tensors(DType dt) const {
  OpTensors t;
  const Tensor act{"", {rows, cols}, dt}, stat{"", {stat_count()}, DType::fp32};
  if (backward) {
    t.inputs = {act, act};  // dY, X
    t.inputs.insert(t.inputs.end(), static_cast<size_t>(stat_tensors()), stat);
    t.outputs.push_back(act);  // dX
    if (channels > 0) {
      t.weights.push_back({"", {channels}, dt});
      t.outputs.push_back({"", {channels}, dt});
      if (type != Type::rms) t.outputs.push_back({"", {channels}, dt});
    }
    return t;
  }
  t.inputs.push_back(act);
  if (channels > 0) {
    t.weights.push_back({"", {channels}, dt});
    if (type != Type::rms) t.weights.push_back({"", {channels}, dt});
  }
  t.outputs.push_back(act);
  if (training) t.outputs.insert(t.outputs.end(), static_cast<size_t>(stat_tensors()), stat);
  return t;
}

LoopNest NormParams::loop_nest() const {
  LoopNest nest{{{"r", rows}, {"c", cols}}, {}};
  nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, {axis(0), axis(1)}});
  if (backward)  // dY and X both indexed by (r, c)
    nest.tensors.push_back({placeholder(TensorRole::input, 1), TensorRole::input, {axis(0), axis(1)}});
  nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, {axis(0), axis(1)}});
  return nest;
}

std::string NormParams::describe() const {
  return fmt::format("{}{} rows={} cols={}", to_string(type),
                     backward   ? " backward"
                     : training ? " training"
                                : "",
                     rows, cols) +
         (layout != ConvLayout::unset ? fmt::format(" layout={}", to_string(layout)) : std::string());
}

void NormParams::validate(const std::string& where) const {
  require_positive(where, "rows", rows);
  require_positive(where, "cols", cols);
  require_non_negative(where, "channels", channels);
}

}  // namespace orrery::workloads
