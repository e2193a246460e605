#include "arch/loopnest/infeasible.hpp"

#include <fmt/format.h>

#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/spec.hpp"

namespace orrery::arch::loopnest {

std::string Infeasible::describe(const LoopNestSpec& spec, const Problem& problem) const {
  const std::string lvl = level >= 0 && level < spec.num_levels() ? spec.levels[level].name : "?";
  const std::string dm = dim >= 0 && dim < problem.num_dims() ? problem.dim_names[dim] : "?";
  const std::string ds =
      data_space >= 0 && data_space < problem.num_data_spaces() ? problem.data_spaces[data_space].name : "?";
  switch (kind) {
    case InfeasibleKind::kLevelCount:
      return fmt::format("mapping has {} levels, architecture {} has {}", found, spec.name, limit);
    case InfeasibleKind::kFactorProduct:
      return fmt::format("dimension {}: product of factors over all levels is {}, expected the bound {}", dm,
                         found, limit);
    case InfeasibleKind::kFanoutX:
      return fmt::format("level {}: spatial X factors multiply to {}, fan-out X is {}", lvl, found, limit);
    case InfeasibleKind::kFanoutY:
      return fmt::format("level {}: spatial Y factors multiply to {}, fan-out Y is {}", lvl, found, limit);
    case InfeasibleKind::kCapacity:
      return fmt::format(
          "level {}: capacity exceeded at data space {}: kept tiles need {} words, capacity {}", lvl, ds,
          found, limit);
    case InfeasibleKind::kBackingStore:
      return fmt::format("level {}: the outermost level must keep data space {}", lvl, ds);
    case InfeasibleKind::kDummyKeeps:
      return fmt::format("level {}: spatial-only level cannot keep data space {}", lvl, ds);
  }
  return "infeasible";
}

}  // namespace orrery::arch::loopnest
