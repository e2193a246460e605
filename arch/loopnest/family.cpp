#include "arch/loopnest/family.hpp"

#include <fmt/format.h>

#include "arch/loopnest/family_config.hpp"
#include "arch/loopnest/layer_evaluation.hpp"
#include "arch/loopnest/model.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "common/error.hpp"
#include "mappers/loopnest/registry.hpp"

namespace orrery::arch::loopnest {

using mappers::loopnest::LoopNestLayerMapping;
using LoopNestMappings = LayerMappings<LoopNestLayerMapping>;

LoopNestFamily::LoopNestFamily() : schema_(make_schema()) {}

std::string_view LoopNestFamily::doc() const {
  return "loop-nest accelerator (Timeloop v0.4 architecture + Accelergy ERT): storage hierarchy with "
         "fan-out, "
         "mapspace search, Timeloop's counts, cycles and energy";
}

std::vector<std::string> LoopNestFamily::mappers() const {
  std::vector<std::string> names;
  for (const auto& m : mappers::loopnest::mappers()) names.emplace_back(m.name);
  return names;
}

void LoopNestFamily::check(const config::Resolved& cfg) const { loopnest::check(cfg); }

std::optional<std::string> LoopNestFamily::wrap_foreign_config(const std::string& path,
                                                               const std::string& text) const {
  return wrap_timeloop_architecture(path, text);
}

std::unique_ptr<const Mappings> LoopNestFamily::map(const config::Resolved& cfg,
                                                    const workloads::Graph& graph,
                                                    const MapOptions& options) const {
  const std::string mapper_name = options.mapper.empty() ? mappers().front() : options.mapper;
  const auto* mapper = mappers::loopnest::find_mapper(mapper_name);
  if (!mapper)
    throw UsageError(fmt::format("--mapper: unknown mapper '{}' for the loopnest family (expected {})",
                                 mapper_name, mappers::loopnest::mapper_names()));
  const LoopNestDesign design = make_design(cfg);
  const mappers::loopnest::MapContext ctx{
      design.spec, design.architecture_file,
      options.constraints_file.empty() ? design.constraints_file : options.constraints_file, options,
      design.memory_pass_words_per_cycle};
  return std::make_unique<LoopNestMappings>(std::string(name()), mapper_name, mapper->map(graph, ctx));
}

RunResult LoopNestFamily::evaluate(const config::Resolved& cfg, const workloads::Graph& graph,
                                   const Mappings& mappings, const EvalOptions& options) const {
  const auto& layers = mappings_as<LoopNestMappings>(mappings, name()).layers();
  const LoopNestDesign design = make_design(cfg);
  RunResult result;
  result.layers.reserve(graph.size());
  for (size_t i = 0; i < graph.size(); ++i) {
    const auto& op = graph.ops()[i];
    auto eval = evaluate_layer(design.spec, mappers::loopnest::lower(op), layers[i], op.name,
                               options.fidelity == Fidelity::cycle);
    LayerResult layer{op.name, std::string(op.kind_name()), op.describe(), std::move(eval.stats),
                      layers[i].to_json()};
    layer.levels = std::move(eval.levels);
    result.layers.push_back(std::move(layer));
  }
  return result;
}

std::unique_ptr<const Mappings> LoopNestFamily::read_mappings(const std::string& mapper,
                                                              const nlohmann::json& layers,
                                                              const nlohmann::json&,
                                                              const config::Resolved& cfg,
                                                              const workloads::Graph& graph) const {
  const LoopNestDesign design = make_design(cfg);
  std::vector<LoopNestLayerMapping> out;
  out.reserve(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    const auto& op = graph.ops()[i];
    try {
      out.push_back(LoopNestLayerMapping::from_json(layers[i], design.spec, mappers::loopnest::lower(op),
                                                    design.memory_pass_words_per_cycle));
    } catch (const MappingError& e) {
      throw MappingError(fmt::format("layers[{}] ('{}'): {}", i, op.name, e.what()));
    } catch (const nlohmann::json::exception& e) {
      throw MappingError(fmt::format("layers[{}] ('{}'): {}", i, op.name, e.what()));
    }
  }
  return std::make_unique<LoopNestMappings>(std::string(name()), mapper, std::move(out));
}

std::unique_ptr<const Mappings> LoopNestFamily::read_foreign_mapping(const std::string& path,
                                                                     const config::Resolved& cfg,
                                                                     const workloads::Graph& graph) const {
  if (graph.size() != 1)
    throw MappingError(fmt::format("{}: a Timeloop mapping maps one loop nest; the workload has {} ops", path,
                                   graph.size()));
  const auto& op = graph.ops()[0];
  const auto parts = mappers::loopnest::lower(op);
  const auto* nest = parts.size() == 1 ? std::get_if<mappers::loopnest::LoopNestPart>(&parts[0]) : nullptr;
  if (!nest)
    throw MappingError(fmt::format("{}: a Timeloop mapping maps one loop nest; op {} lowers to {} parts",
                                   path, op.name, parts.size()));
  const LoopNestDesign design = make_design(cfg);
  Mapping mapping = read_timeloop_mapping(path, design.spec, nest->problem);
  const LoopNestModel model(design.spec, nest->problem);
  if (const auto why = model.check(mapping)) {
    std::string where;
    if (why->kind == InfeasibleKind::kFactorProduct && why->dim >= 0) {
      // Which levels hold the factors of that dimension.
      const auto& dim = nest->problem.dim_names[why->dim];
      for (int i = 0; i < design.spec.num_levels(); ++i) {
        const auto& l = mapping.levels[i];
        const int64_t f = l.temporal[why->dim] * l.spatial_x[why->dim] * l.spatial_y[why->dim];
        if (f != 1)
          where += fmt::format("{}{} {}={}", where.empty() ? " (factors: " : ", ", design.spec.levels[i].name,
                               dim, f);
      }
      where += where.empty() ? " (no level has a factor)" : ")";
    }
    throw MappingError(fmt::format("{}: {}{}", path, why->describe(design.spec, nest->problem), where));
  }
  LoopNestLayerMapping layer;
  layer.parts.emplace_back(
      mappers::loopnest::nest_part_mapping(*nest, design.spec, std::move(mapping), std::nullopt));
  std::vector<LoopNestLayerMapping> layers;
  layers.push_back(std::move(layer));
  return std::make_unique<LoopNestMappings>(std::string(name()), "timeloop-mapping", std::move(layers));
}

}  // namespace orrery::arch::loopnest
