#include "workloads/ops/spmm.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

int64_t SpmmParams::macs() const { return checked_mul(nnz, features, "spmm MACs"); }

OpTensors SpmmParams::tensors(DType dt) const {
  OpTensors t;
  t.inputs.push_back({"", {2 * nnz + rows + 1}, DType::fp32});  // CSR arrays
  t.inputs.push_back({"", {cols, features}, dt});
  t.outputs.push_back({"", {rows, features}, dt});
  return t;
}

LoopNest SpmmParams::loop_nest() const {
  // Only the nonzeros are iterated: (e, f) with e over nnz; which row/col e touches is data.
  LoopNest nest{{{"e", nnz}, {"f", features}}, {}};
  nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, {axis(0)}});
  return nest;
}

std::string SpmmParams::describe() const {
  return fmt::format("spmm rows={} cols={} nnz={} F={}{}", rows, cols, nnz, features,
                     backward ? " (backward: A^T dY)" : "");
}

void SpmmParams::validate(const std::string& where) const {
  require_positive(where, "rows", rows);
  require_positive(where, "cols", cols);
  require_positive(where, "nnz", nnz);
  require_positive(where, "features", features);
  if (nnz > rows * cols) throw WorkloadError(fmt::format("{}: nnz={} exceeds rows*cols", where, nnz));
  (void)macs();
}

}  // namespace orrery::workloads
