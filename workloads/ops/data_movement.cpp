#include "workloads/ops/data_movement.hpp"

#include <fmt/format.h>

#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

std::string_view to_string(DataMovementParams::Kind k) {
  switch (k) {
    case DataMovementParams::Kind::reshape:
      return "reshape";
    case DataMovementParams::Kind::transpose:
      return "transpose";
    case DataMovementParams::Kind::concat:
      return "concat";
    case DataMovementParams::Kind::split:
      return "split";
    case DataMovementParams::Kind::slice:
      return "slice";
    case DataMovementParams::Kind::pad:
      return "pad";
    case DataMovementParams::Kind::upsample:
      return "upsample";
    case DataMovementParams::Kind::copy:
      return "copy";
    case DataMovementParams::Kind::gather:
      return "gather";
    case DataMovementParams::Kind::select:
      return "select";
  }
  return "?";
}

OpTensors DataMovementParams::tensors(DType dt) const {
  OpTensors t;
  for (auto n : in_numels) t.inputs.push_back({"", {n}, dt});
  t.outputs.push_back({"", {out_numel}, dt});
  return t;
}

LoopNest DataMovementParams::loop_nest() const {
  LoopNest nest{{{"i", out_numel}}, {}};
  nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, {axis(0)}});
  return nest;
}

std::string DataMovementParams::describe() const {
  return fmt::format("{} -> {}", to_string(kind), out_numel);
}

void DataMovementParams::validate(const std::string& where) const {
  if (in_numels.empty()) throw WorkloadError(where + ": data movement needs at least one input");
  for (auto n : in_numels) require_positive(where, "input elements", n);
  require_positive(where, "output elements", out_numel);
}

}  // namespace orrery::workloads
