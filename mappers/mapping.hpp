#pragma once
// What an architecture model needs to time one op: a family-specific struct per family, each in
// mappers/<family>/. Every mapping serializes to JSON for reports.
#include <nlohmann/json.hpp>

namespace orrery::mappers {

// A mapping that could not be made (e.g. a tile that fits no buffer) is a value with a reason,
// not an exception: sweeps record it and move on.
struct Infeasible {
  std::string reason;
  nlohmann::json to_json() const { return {{"infeasible", reason}}; }
};

}  // namespace orrery::mappers
