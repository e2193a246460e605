#include "sim/workload_source.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "arch/loopnest/timeloop_problem_reader.hpp"
#include "common/error.hpp"
#include "mappers/loopnest/lowering.hpp"
#include "workloads/onnx/import.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/passes/low_rank.hpp"
#include "workloads/passes/prune.hpp"
#include "workloads/passes/quantize.hpp"
#include "workloads/topology_csv.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::sim {

namespace {

workloads::Graph load_graph(const WorkloadArgs& a) {
  const int given =
      !a.model.empty() + !a.onnx.empty() + !a.op.empty() + !a.topology.empty() + !a.problem.empty();
  if (given != 1)
    throw UsageError(fmt::format(
        "workload: expected exactly one of --model, --onnx, --op, --topology, --problem, got {}", given));
  if (a.batch <= 0) throw UsageError(fmt::format("--batch: expected a positive integer, got {}", a.batch));
  std::optional<workloads::DType> dtype;
  if (a.dtype) {
    dtype = workloads::parse_dtype(*a.dtype);
    if (!dtype)
      throw UsageError(fmt::format("--dtype: expected {}, got '{}'", workloads::dtype_choices(), *a.dtype));
  }
  if (!a.model.empty())
    return workloads::zoo::build_model(
        a.model, {a.batch, dtype.value_or(workloads::DType::fp16), a.eager, a.training});
  if (!a.onnx_inputs.empty() && a.onnx.empty()) throw UsageError("--onnx-input: only with --onnx");
  if (!a.onnx.empty()) return workloads::onnx::import_file(a.onnx, {dtype, a.batch, a.onnx_inputs});
  if (a.batch != 1) throw UsageError("--batch: applies to --model and --onnx only (give N= or B= in --op)");
  if (!a.op.empty()) return workloads::parse_op_spec(a.op, dtype);
  if (!a.problem.empty()) {
    // A Timeloop problem: one generic loop nest, named as the problem names itself.
    const auto problem = arch::loopnest::read_timeloop_problem(a.problem);
    const std::string name =
        problem.name.empty() ? std::filesystem::path(a.problem).stem().string() : problem.name;
    workloads::Graph g(name);
    g.add(workloads::make_op(name, mappers::loopnest::loop_nest_op_params(problem),
                             dtype.value_or(workloads::DType::int8)));
    return g;
  }
  return workloads::read_topology_csv(a.topology, dtype);
}

}  // namespace

workloads::Graph load_workload(const WorkloadArgs& a) {
  // Parse the pass options first so a typo fails before a large model is built.
  namespace passes = workloads::passes;
  const passes::PruneOptions prune = a.prune.empty() ? passes::PruneOptions{} : passes::parse_prune(a.prune);
  const int64_t rank = a.low_rank.empty() ? 0 : passes::parse_low_rank(a.low_rank);
  const workloads::DType quantize =
      a.quantize.empty() ? workloads::DType::fp16 : passes::parse_quantize(a.quantize);
  workloads::Graph g = load_graph(a);
  // Structured pruning first (it shrinks the layers low-rank then factors), quantization last
  // (so the factor layers get the format too).
  if (!a.prune.empty()) passes::prune(g, prune);
  if (rank > 0) g = passes::low_rank(g, rank);
  if (!a.quantize.empty()) passes::quantize(g, quantize);
  return g;
}

}  // namespace orrery::sim
