#include "fuzz/entry_points.hpp"

namespace orrery::fuzz {

std::vector<EntryPoint> entry_points() {
  std::vector<EntryPoint> all;
  for (const auto* group :
       {&workload_entry_points(), &loopnest_entry_points(), &validate_entry_points(), &sim_entry_points()})
    all.insert(all.end(), group->begin(), group->end());
  return all;
}

}  // namespace orrery::fuzz
