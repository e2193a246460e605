#include "arch/family.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::arch {

std::string_view to_string(Fidelity f) { return f == Fidelity::analytical ? "analytical" : "cycle"; }

RunResult Family::run(const config::Resolved& cfg, const workloads::Graph& graph, const Mappings& mappings,
                      const EvalOptions& options) const {
  if (mappings.family() != name())
    throw UsageError(fmt::format("--mapping: a mapping of the {} family cannot run on {} ({} family)",
                                 mappings.family(), cfg.file(), name()));
  if (mappings.size() != graph.size())
    throw UsageError(
        fmt::format("--mapping: {} layer mappings for a workload of {} ops", mappings.size(), graph.size()));
  if (graph.size() == 0) {  // nothing to run (an ONNX model of views only): zero, in every family
    RunResult empty;
    empty.mapper = mappings.mapper();
    finalize(empty, options.batch);
    return empty;
  }
  RunResult result = evaluate(cfg, graph, mappings, options);
  result.mapper = mappings.mapper();
  if (result.layers.size() != graph.size())
    throw SimulationError(
        fmt::format("{} family: {} layer results for {} ops", name(), result.layers.size(), graph.size()));
  finalize(result, options.batch);
  return result;
}

RunResult Family::simulate(const config::Resolved& cfg, const workloads::Graph& graph,
                           const RunOptions& options) const {
  const auto mappings = map(cfg, graph, options.map());
  return run(cfg, graph, *mappings, options.eval());
}

void finalize(RunResult& result, int64_t batch) {
  result.total = Stats{};
  for (const auto& layer : result.layers) {
    layer.stats.check_invariants(layer.name);
    result.total += layer.stats;
  }
  if (result.overlapped) {
    result.total.cycles = result.overlapped->cycles;
    result.total.seconds = result.overlapped->seconds;
    result.total.utilization = result.overlapped->utilization;
  }
  result.total.check_invariants("total");
  if (result.throughput_per_s == 0 && result.total.seconds > 0)
    result.throughput_per_s = static_cast<double>(batch) / result.total.seconds;
}

}  // namespace orrery::arch
