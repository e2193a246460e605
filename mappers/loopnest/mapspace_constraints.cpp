#include "mappers/loopnest/mapspace_constraints.hpp"

namespace orrery::mappers::loopnest {

MapspaceConstraints unconstrained(const ln::LoopNestSpec& spec, const ln::Problem& problem) {
  MapspaceConstraints c;
  c.levels.resize(spec.num_levels());
  for (int i = 0; i < spec.num_levels(); ++i) {
    for (const auto& n : spec.levels[i].must_keep)
      if (int s = problem.data_space_index(n); s >= 0) c.levels[i].keep[s] = KeepRule::kKeep;
    for (const auto& n : spec.levels[i].must_bypass)
      if (int s = problem.data_space_index(n); s >= 0) c.levels[i].keep[s] = KeepRule::kBypass;
  }
  return c;
}

void add_directives(MapspaceConstraints& c, const std::vector<ln::MappingDirective>& directives,
                    const ln::Problem& problem) {
  for (const auto& d : directives) {
    LevelConstraints& lc = c.levels[d.level];
    switch (d.type) {
      case ln::DirectiveType::kTemporal:
        for (int k = 0; k < problem.num_dims(); ++k)
          if (d.factors[k] > 0) lc.temporal_factor[k] = d.factors[k];
        if (!d.permutation.empty()) lc.temporal_permutation = d.permutation;
        break;
      case ln::DirectiveType::kSpatial:
        for (int k = 0; k < problem.num_dims(); ++k)
          if (d.factors[k] > 0) lc.spatial_factor[k] = d.factors[k];
        if (!d.permutation.empty()) lc.spatial_permutation = d.permutation;
        if (d.split) lc.split = d.split;
        break;
      case ln::DirectiveType::kDataSpace:
        for (int s : d.keep) lc.keep[s] = KeepRule::kKeep;
        for (int s : d.bypass) lc.keep[s] = KeepRule::kBypass;
        break;
    }
  }
}

}  // namespace orrery::mappers::loopnest
