#include "mappers/systolic/mapper_options.hpp"

namespace orrery::mappers::systolic {

std::string_view to_string(Objective o) {
  switch (o) {
    case Objective::edp:
      return "edp";
    case Objective::energy:
      return "energy";
    case Objective::delay:
      return "delay";
  }
  return "edp";
}

std::optional<Objective> parse_objective(std::string_view text) {
  for (Objective o : {Objective::edp, Objective::energy, Objective::delay})
    if (to_string(o) == text) return o;
  return std::nullopt;
}

}  // namespace orrery::mappers::systolic
