#include "sim/sweep/area.hpp"

#include "arch/registry.hpp"

namespace orrery::sim::sweep {

bool has_area_model(const std::string& family) {
  const arch::Family* f = arch::find_family(family);
  return f && f->has_area_model();
}

std::optional<double> area_mm2(const config::Resolved& cfg) {
  const arch::Family* f = arch::find_family(cfg.family());
  return f ? f->area_mm2(cfg) : std::nullopt;
}

}  // namespace orrery::sim::sweep
