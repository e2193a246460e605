#include "arch/systolic/family.hpp"

#include <fmt/format.h>

#include "arch/systolic/area.hpp"
#include "arch/systolic/layer_timing.hpp"
#include "arch/systolic/sc/run_cycle.hpp"
#include "arch/systolic/spec.hpp"
#include "common/error.hpp"
#include "mappers/systolic/registry.hpp"

namespace orrery::arch::systolic {

using mappers::systolic::SystolicMapping;
using SystolicMappings = LayerMappings<SystolicMapping>;

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

std::optional<double> SystolicFamily::area_mm2(const config::Resolved& cfg) const {
  return area(make_spec(cfg)).total_mm2;
}

std::unique_ptr<const Mappings> SystolicFamily::map(const config::Resolved& cfg,
                                                    const workloads::Graph& graph,
                                                    const MapOptions& options) const {
  const std::string mapper_name = options.mapper.empty() ? mappers().front() : options.mapper;
  const auto* mapper = mappers::systolic::find_mapper(mapper_name);
  if (!mapper)
    throw UsageError(fmt::format("--mapper: unknown mapper '{}' for the systolic family (expected {})",
                                 mapper_name, mappers::systolic::mapper_names()));
  const SystolicSpec spec = make_spec(cfg);
  mappers::systolic::MapperOptions mapper_options;
  const auto objective = mappers::systolic::parse_objective(options.objective);
  if (!objective)
    throw UsageError(fmt::format("--objective: expected edp|energy|delay, got '{}'", options.objective));
  mapper_options.objective = *objective;
  mapper_options.search_time_s = options.search_time_s;
  mapper_options.seed = options.seed;
  // The analytical model a searching mapper ranks its candidates by (the cycle fidelity agrees
  // with it under scalesim timing and unbounded bandwidth).
  mapper_options.model = [&spec](const workloads::Op& op, const SystolicMapping& m) {
    const Stats st = layer_stats(time_layer(m, spec), m, spec, op.macs(), op.name);
    return mappers::systolic::LayerCost{st.cycles, st.seconds, st.energy_j};
  };
  std::vector<SystolicMapping> mappings;
  mappings.reserve(graph.size());
  for (const auto& op : graph.ops()) {
    auto result = mapper->map(op, spec, mapper_options);
    if (const auto* bad = std::get_if<mappers::Infeasible>(&result))
      throw WorkloadError(fmt::format("mapper {}: no feasible mapping: {}", mapper_name, bad->reason));
    mappings.push_back(std::get<SystolicMapping>(std::move(result)));
  }
  return std::make_unique<SystolicMappings>(std::string(name()), mapper_name, std::move(mappings));
}

RunResult SystolicFamily::evaluate(const config::Resolved& cfg, const workloads::Graph& graph,
                                   const Mappings& mappings, const EvalOptions& options) const {
  const auto& layers = mappings_as<SystolicMappings>(mappings, name()).layers();
  const SystolicSpec spec = make_spec(cfg);
  std::vector<LayerCounts> counts;
  if (options.fidelity == Fidelity::cycle) {
    counts = run_cycle(layers, spec);
  } else {
    counts.reserve(layers.size());
    for (const auto& m : layers) counts.push_back(time_layer(m, spec));
  }
  RunResult result;
  result.layers.reserve(graph.size());
  for (size_t i = 0; i < graph.size(); ++i) {
    const auto& op = graph.ops()[i];
    result.layers.push_back({op.name, std::string(op.kind_name()), op.describe(),
                             layer_stats(counts[i], layers[i], spec, op.macs(), op.name),
                             layers[i].to_json()});
  }
  return result;
}

std::unique_ptr<const Mappings> SystolicFamily::read_mappings(const std::string& mapper,
                                                              const nlohmann::json& layers,
                                                              const nlohmann::json&,
                                                              const config::Resolved& cfg,
                                                              const workloads::Graph& graph) const {
  const SystolicSpec spec = make_spec(cfg);
  std::vector<SystolicMapping> mappings;
  for (size_t i = 0; i < layers.size(); ++i) {
    try {
      mappings.push_back(SystolicMapping::from_json(layers[i], spec));
    } catch (const std::exception& e) {
      throw MappingError(fmt::format("layers[{}] ('{}'): {}", i, graph.ops()[i].name, e.what()));
    }
  }
  return std::make_unique<SystolicMappings>(std::string(name()), mapper, std::move(mappings));
}

}  // namespace orrery::arch::systolic
