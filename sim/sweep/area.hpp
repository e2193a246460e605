#pragma once
// Die-area models, for perf-per-area objectives: asked of the family (Family::area_mm2). A
// family without a model has no area (nullopt), and a spec asking for area on it is rejected
// when it is parsed.
#include <optional>
#include <string>

#include "common/config/resolved.hpp"

namespace orrery::sim::sweep {

bool has_area_model(const std::string& family);
std::optional<double> area_mm2(const config::Resolved& cfg);

}  // namespace orrery::sim::sweep
