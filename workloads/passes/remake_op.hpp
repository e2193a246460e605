#pragma once
// Rebuilds an op after a pass changed its parameters: new tensor shapes from the parameters,
// the same name, dtype, input tensor names (the graph's wiring) and weight density.
#include "workloads/op.hpp"

namespace orrery::workloads::passes {

inline Op remake_op(const Op& old, OpParams params, std::string name) {
  Op op = make_op(std::move(name), std::move(params), old.dtype);
  for (size_t i = 0; i < op.inputs.size() && i < old.inputs.size(); ++i)
    op.inputs[i].name = old.inputs[i].name;
  op.weight_density = old.weight_density;
  return op;
}

inline Op remake_op(const Op& old, OpParams params) { return remake_op(old, std::move(params), old.name); }

}  // namespace orrery::workloads::passes
