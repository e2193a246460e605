// Entry point of the measurement CSV reader (orrery validate --measurements).
#include "fuzz/entry_points.hpp"
#include "fuzz/input_helpers.hpp"
#include "sim/validate/measurements.hpp"

namespace orrery::fuzz {
namespace {

void parse_measurements(std::string_view data) {
  ScratchFile file(data, ".csv");
  sim::validate::read_measurements(file.path());
}

}  // namespace

const std::vector<EntryPoint>& validate_entry_points() {
  static const std::vector<EntryPoint> group = {
      {"measurements", "validate --measurements CSV", parse_measurements},
  };
  return group;
}

}  // namespace orrery::fuzz
