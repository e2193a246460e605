#include "sim/sweep/area.hpp"

#include "arch/systolic/area.hpp"

namespace orrery::sim::sweep {

// One line per family with an area model.
bool has_area_model(const std::string& family) { return family == "systolic"; }

std::optional<double> area_mm2(const config::Resolved& cfg) {
  if (cfg.family() == "systolic") return arch::systolic::area(arch::systolic::make_spec(cfg)).total_mm2;
  return std::nullopt;
}

}  // namespace orrery::sim::sweep
