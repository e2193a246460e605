#include "arch/systolic/family.hpp"

#include <fmt/format.h>

#include "arch/systolic/layer_timing.hpp"
#include "arch/systolic/sc/run_cycle.hpp"
#include "arch/systolic/spec.hpp"
#include "common/error.hpp"
#include "mappers/systolic/registry.hpp"

namespace orrery::arch::systolic {

SystolicFamily::SystolicFamily() : schema_(make_schema()) {}

std::string_view SystolicFamily::doc() const {
  return "systolic array (ws/os/is dataflows, SRAM buffers, DRAM channel); timing exact or SCALE-Sim v2";
}

std::vector<std::string> SystolicFamily::mappers() const {
  std::vector<std::string> names;
  for (const auto& m : mappers::systolic::mappers()) names.emplace_back(m.name);
  return names;
}

void SystolicFamily::check(const config::Resolved& cfg) const { systolic::check(cfg); }

RunResult SystolicFamily::simulate(const config::Resolved& cfg, const workloads::Graph& graph,
                                   const RunOptions& options) const {
  const std::string mapper_name = options.mapper.empty() ? "fixed" : options.mapper;
  const auto* mapper = mappers::systolic::find_mapper(mapper_name);
  if (!mapper)
    throw UsageError(fmt::format("--mapper: unknown mapper '{}' for the systolic family (expected {})", mapper_name,
                                 mappers::systolic::mapper_names()));
  const SystolicSpec spec = make_spec(cfg);

  std::vector<mappers::systolic::SystolicMapping> mappings;
  mappings.reserve(graph.size());
  for (const auto& op : graph.ops()) {
    auto result = mapper->map(op, spec);
    if (const auto* bad = std::get_if<mappers::Infeasible>(&result))
      throw WorkloadError(fmt::format("mapper {}: no feasible mapping: {}", mapper_name, bad->reason));
    mappings.push_back(std::get<mappers::systolic::SystolicMapping>(std::move(result)));
  }

  std::vector<LayerCounts> counts;
  if (options.fidelity == Fidelity::cycle) {
    counts = run_cycle(mappings, spec);
  } else {
    counts.reserve(mappings.size());
    for (const auto& m : mappings) counts.push_back(time_layer(m, spec));
  }

  RunResult result;
  result.mapper = mapper_name;
  result.layers.reserve(graph.size());
  for (size_t i = 0; i < graph.size(); ++i) {
    const auto& op = graph.ops()[i];
    LayerResult layer{op.name, std::string(op.kind_name()), op.describe(),
                      layer_stats(counts[i], mappings[i], spec, op.macs(), op.name), mappings[i].to_json()};
    result.layers.push_back(std::move(layer));
  }
  finalize(result, options.batch);
  return result;
}

}  // namespace orrery::arch::systolic
