#pragma once
// Die-area models by family, for perf-per-area objectives: the explicit list of families that
// have one. A family without a model has no area (nullopt), and a spec asking for area on it is
// rejected when it is parsed.
#include <optional>
#include <string>

#include "common/config/resolved.hpp"

namespace orrery::sim::sweep {

bool has_area_model(const std::string& family);
std::optional<double> area_mm2(const config::Resolved& cfg);

}  // namespace orrery::sim::sweep
