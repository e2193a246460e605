#include "mappers/loopnest/search_mapper.hpp"

#include <fmt/format.h>

#include <map>

#include "arch/loopnest/model.hpp"
#include "common/error.hpp"
#include "mappers/loopnest/mapspace_constraints.hpp"

namespace orrery::mappers::loopnest {
namespace {

Objective objective_of(const std::string& name) {
  if (name == "edp") return Objective::kEdp;
  if (name == "energy") return Objective::kEnergy;
  if (name == "delay") return Objective::kDelay;
  throw UsageError(fmt::format("--objective: expected edp|energy|delay, got '{}'", name));
}

// Factors fixed by constraints must divide the bound: else no mapping exists, and the one line
// says which dimension and levels.
void check_fixed_factors(const MapspaceConstraints& c, const ln::LoopNestSpec& spec, const ln::Problem& p,
                         const std::string& source, const std::string& layer) {
  for (int d = 0; d < p.num_dims(); ++d) {
    int64_t fixed = 1;
    std::string levels;
    for (size_t i = 0; i < c.levels.size(); ++i)
      for (int64_t f : {c.levels[i].temporal_factor[d], c.levels[i].spatial_factor[d]})
        if (f > 1) {
          fixed *= f;
          levels +=
              fmt::format("{}{} {}={}", levels.empty() ? "" : ", ", spec.levels[i].name, p.dim_names[d], f);
        }
    if (p.dim_bounds[d] % fixed != 0)
      throw MappingError(fmt::format(
          "{}: impossible constraints for layer {}: dimension {} has bound {}, but the factors fixed at {} "
          "multiply to {}",
          source, layer, p.dim_names[d], p.dim_bounds[d], levels, fixed));
  }
}

struct Searched {
  ln::Mapping mapping;
  SearchRecord record;
};

}  // namespace

std::vector<LoopNestLayerMapping> map_search(const workloads::Graph& graph, const MapContext& ctx) {
  const Objective objective = objective_of(ctx.options.objective);
  std::vector<std::vector<LoweredPart>> lowered;
  lowered.reserve(graph.size());
  std::map<std::string, int> distinct;
  for (const auto& op : graph.ops()) {
    lowered.push_back(lower(op));
    for (const auto& part : lowered.back())
      if (const auto* n = std::get_if<LoopNestPart>(&part)) distinct.emplace(shape_key(*n), 0);
  }
  SearchOptions opt;
  opt.objective = objective;
  opt.seed = ctx.options.seed;
  opt.threads = 2;
  opt.max_evaluations = kCandidatesPerShape;
  if (ctx.options.search_time_s > 0) {
    opt.time_limit_s = ctx.options.search_time_s / static_cast<double>(std::max<size_t>(1, distinct.size()));
    opt.max_evaluations = std::numeric_limits<int64_t>::max() / 2;
  }
  const std::string source = ctx.constraints_file.empty() ? ctx.architecture_file : ctx.constraints_file;

  std::map<std::string, Searched> cache;  // shape key -> the search's result (this call only)
  std::vector<LoopNestLayerMapping> out;
  out.reserve(graph.size());
  for (size_t i = 0; i < graph.size(); ++i) {
    const auto& op = graph.ops()[i];
    LoopNestLayerMapping layer;
    for (const auto& part : lowered[i]) {
      if (const auto* mp = std::get_if<MemoryPassPart>(&part)) {
        layer.parts.emplace_back(memory_pass_mapping(*mp, ctx.spec, ctx.memory_pass_words_per_cycle));
        continue;
      }
      const auto& nest = std::get<LoopNestPart>(part);
      const std::string key = shape_key(nest);
      auto hit = cache.find(key);
      if (hit != cache.end()) {
        SearchRecord r;  // not searched again: points at the layer that was
        r.objective = hit->second.record.objective;
        r.same_as = hit->second.record.same_as;
        layer.parts.emplace_back(nest_part_mapping(nest, ctx.spec, hit->second.mapping, r));
        continue;
      }
      const ln::LoopNestModel model(ctx.spec, nest.problem);
      MapspaceConstraints c = unconstrained(ctx.spec, nest.problem);
      if (!ctx.constraints_file.empty())
        add_directives(c, ln::read_mapping_directives(ctx.constraints_file, ctx.spec, nest.problem),
                       nest.problem);
      else if (!ctx.architecture_file.empty())
        add_directives(c, ln::read_architecture_constraints(ctx.architecture_file, ctx.spec, nest.problem),
                       nest.problem);
      check_fixed_factors(c, ctx.spec, nest.problem, source, op.name);
      const SearchResult r = search(model, c, opt);
      if (!r.found)
        throw MappingError(
            fmt::format("{}: no feasible mapping for layer {} ({}) under these constraints ({} "
                        "candidates looked at)",
                        source, op.name, nest.problem.name, r.candidates));
      SearchRecord rec{ctx.options.objective, r.candidates, r.evaluated, r.exhaustive, r.progress, ""};
      Searched s{r.best, rec};
      s.record.same_as = op.name;  // what later layers of this shape point to
      cache.emplace(key, std::move(s));
      layer.parts.emplace_back(nest_part_mapping(nest, ctx.spec, r.best, rec));
    }
    out.push_back(std::move(layer));
  }
  return out;
}

}  // namespace orrery::mappers::loopnest
