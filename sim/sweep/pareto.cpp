#include "sim/sweep/pareto.hpp"

#include <algorithm>

namespace orrery::sim::sweep {
namespace {

// <0: a better, 0: equal, >0: b better, for one objective.
int compare(const PointMetrics& a, const PointMetrics& b, const Objective& o) {
  const double x = a.value(o.metric), y = b.value(o.metric);
  if (x == y) return 0;
  const bool a_better = o.goal == Goal::min ? x < y : x > y;
  return a_better ? -1 : 1;
}

}  // namespace

bool dominates(const PointMetrics& a, const PointMetrics& b, const std::vector<Objective>& objectives) {
  bool strictly = false;
  for (const auto& o : objectives) {
    const int c = compare(a, b, o);
    if (c > 0) return false;
    if (c < 0) strictly = true;
  }
  return strictly;
}

void ParetoFront::add(const PointMetrics& p) {
  for (const auto& m : front_) {
    if (dominates(m, p, objectives_)) return;
    bool equal = true;
    for (const auto& o : objectives_) equal = equal && compare(m, p, o) == 0;
    if (equal) return;  // the earlier point (lower number) represents the tie
  }
  std::erase_if(front_, [&](const PointMetrics& m) { return dominates(p, m, objectives_); });
  front_.push_back(p);
}

std::vector<PointMetrics> ParetoFront::sorted() const {
  auto out = front_;
  std::sort(out.begin(), out.end(), [&](const PointMetrics& a, const PointMetrics& b) {
    const int c = objectives_.empty() ? 0 : compare(a, b, objectives_.front());
    return c != 0 ? c < 0 : a.point < b.point;
  });
  return out;
}

}  // namespace orrery::sim::sweep
