#include "arch/fpga/family.hpp"

#include <fmt/format.h>

#include "arch/fpga/overlay_result.hpp"
#include "arch/fpga/spec.hpp"
#include "arch/fpga/streaming_mappings.hpp"
#include "arch/fpga/streaming_result.hpp"
#include "common/error.hpp"
#include "mappers/fpga/overlay_graph.hpp"
#include "mappers/fpga/registry.hpp"
#include "mappers/fpga/streaming_mapper.hpp"

namespace orrery::arch::fpga {

using OverlayMappings = LayerMappings<mappers::fpga::OverlayMapping>;

namespace {

// The engine's own mapper; "auto" picks it, naming the other engine's is an error.
std::string engine_mapper(const FpgaSpec& spec, const std::string& requested, const std::string& file) {
  const std::string own(mappers::fpga::engine_mapper(spec.engine));
  const auto* entry = mappers::fpga::find_mapper(requested.empty() ? "auto" : requested);
  if (!entry)
    throw UsageError(
        fmt::format("--mapper: expected one of {}, got '{}'", mappers::fpga::mapper_names(), requested));
  if (entry->engine && *entry->engine != spec.engine)
    throw UsageError(fmt::format("--mapper {}: the {} engine of {} uses mapper {}", requested,
                                 to_string(spec.engine), file, own));
  return own;
}

}  // namespace

FpgaFamily::FpgaFamily() : schema_(make_schema()) {}

std::string_view FpgaFamily::doc() const {
  return "FPGA fabric: DPU-style overlay (pp x icp x ocp int8 MAC cores from DDR) or fpgaConvNet/FINN-style "
         "streaming pipeline (folding under the resource budget); resources, fits, throughput, power";
}

std::vector<std::string> FpgaFamily::mappers() const {
  std::vector<std::string> names;
  for (const auto& m : mappers::fpga::mappers()) names.emplace_back(m.name);
  return names;
}

void FpgaFamily::check(const config::Resolved& cfg) const { fpga::check(cfg); }

std::unique_ptr<const Mappings> FpgaFamily::map(const config::Resolved& cfg, const workloads::Graph& graph,
                                                const MapOptions& options) const {
  const FpgaSpec spec = make_spec(cfg);
  const std::string mapper = engine_mapper(spec, options.mapper, cfg.file());
  const int64_t batch = std::max<int64_t>(1, options.batch);
  if (spec.engine == Engine::overlay)
    return std::make_unique<OverlayMappings>(std::string(name()), mapper,
                                             mappers::fpga::map_overlay_graph(graph, spec.overlay, batch));
  return std::make_unique<StreamingMappings>(mapper, mappers::fpga::map_streaming(graph, spec, batch),
                                             graph.size());
}

RunResult FpgaFamily::evaluate(const config::Resolved& cfg, const workloads::Graph& graph,
                               const Mappings& mappings, const EvalOptions& options) const {
  const FpgaSpec spec = make_spec(cfg);
  if (spec.engine == Engine::overlay)
    return evaluate_overlay(spec, graph, mappings_as<OverlayMappings>(mappings, "fpga overlay").layers(),
                            options);
  return evaluate_streaming(spec, graph, mappings_as<StreamingMappings>(mappings, "fpga streaming"), options);
}

std::unique_ptr<const Mappings> FpgaFamily::read_mappings(const std::string& mapper,
                                                          const nlohmann::json& layers,
                                                          const nlohmann::json& graph_part,
                                                          const config::Resolved& cfg,
                                                          const workloads::Graph& graph) const {
  const FpgaSpec spec = make_spec(cfg);
  engine_mapper(spec, mapper, cfg.file());  // a design of the other engine cannot run here
  if (spec.engine != Engine::overlay) return StreamingMappings::read(mapper, layers, graph_part, spec, graph);
  std::vector<mappers::fpga::OverlayMapping> maps;
  for (size_t i = 0; i < layers.size(); ++i) {
    try {
      maps.push_back(mappers::fpga::OverlayMapping::from_json(layers[i]));
    } catch (const std::exception& e) {
      throw MappingError(fmt::format("layers[{}] ('{}'): {}", i, graph.ops()[i].name, e.what()));
    }
  }
  return std::make_unique<OverlayMappings>(std::string(name()), mapper, std::move(maps));
}

}  // namespace orrery::arch::fpga
