#include "workloads/loop_nest.hpp"

#include "common/checked_math.hpp"

namespace orrery::workloads {

int64_t LoopNest::iterations() const {
  int64_t n = 1;
  for (const auto& d : dims) n = checked_mul(n, d.bound, "loop nest " + d.name);
  return n;
}

int LoopNest::find(const std::string& name) const {
  for (size_t i = 0; i < dims.size(); ++i)
    if (dims[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace orrery::workloads
