#pragma once
// What a systolic mapper gets besides (op, spec): the search settings of the run (--objective,
// --search-time, --seed) and the family's analytical model of one layer, so that a searching
// mapper can rank candidate mappings without linking the models (they sit above the mappers).
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "mappers/systolic/systolic_mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::systolic {

enum class Objective { edp, energy, delay };
std::string_view to_string(Objective o);
std::optional<Objective> parse_objective(std::string_view text);  // edp|energy|delay

// One mapped layer as the analytical model times it.
struct LayerCost {
  int64_t cycles = 0;
  double seconds = 0;
  double energy_j = 0;
};
using LayerModel = std::function<LayerCost(const workloads::Op& op, const SystolicMapping& mapping)>;

struct MapperOptions {
  Objective objective = Objective::edp;
  double search_time_s = 0;  // wall-clock budget per run (0: the mapper's own stopping rule)
  uint64_t seed = 1;
  LayerModel model;  // set by the family; mappers that do not search ignore it
};

}  // namespace orrery::mappers::systolic
