#include "sim/workload_source.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "workloads/onnx/import.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/topology_csv.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::sim {

workloads::Graph load_workload(const WorkloadArgs& a) {
  const int given = !a.model.empty() + !a.onnx.empty() + !a.op.empty() + !a.topology.empty();
  if (given != 1)
    throw UsageError(fmt::format("workload: expected exactly one of --model, --onnx, --op, --topology, got {}", given));
  if (a.batch <= 0) throw UsageError(fmt::format("--batch: expected a positive integer, got {}", a.batch));
  std::optional<workloads::DType> dtype;
  if (a.dtype) {
    dtype = workloads::parse_dtype(*a.dtype);
    if (!dtype)
      throw UsageError(fmt::format("--dtype: expected {}, got '{}'", workloads::dtype_choices(), *a.dtype));
  }
  if (!a.model.empty())
    return workloads::zoo::build_model(a.model, {a.batch, dtype.value_or(workloads::DType::fp16)});
  if (!a.onnx.empty()) return workloads::onnx::import_file(a.onnx, {dtype, a.batch});
  if (a.batch != 1) throw UsageError("--batch: applies to --model and --onnx only (give N= or B= in --op)");
  if (!a.op.empty()) return workloads::parse_op_spec(a.op, dtype);
  return workloads::read_topology_csv(a.topology, dtype);
}

}  // namespace orrery::sim
