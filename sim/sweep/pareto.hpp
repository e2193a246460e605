#pragma once
// The Pareto front of feasible points over the spec's objectives, built incrementally so the
// points never need to be held in memory at once (only the front is).
#include <vector>

#include "sim/sweep/point_metrics.hpp"
#include "sim/sweep/spec.hpp"

namespace orrery::sim::sweep {

// True when `a` is at least as good as `b` in every objective and better in one.
bool dominates(const PointMetrics& a, const PointMetrics& b, const std::vector<Objective>& objectives);

class ParetoFront {
 public:
  explicit ParetoFront(std::vector<Objective> objectives) : objectives_(std::move(objectives)) {}
  // Adds `p` unless a member dominates it (or equals it in every objective); drops the members
  // it dominates.
  void add(const PointMetrics& p);
  // Members sorted by the first objective (best first), ties by point number.
  std::vector<PointMetrics> sorted() const;
  size_t size() const { return front_.size(); }

 private:
  std::vector<Objective> objectives_;
  std::vector<PointMetrics> front_;
};

}  // namespace orrery::sim::sweep
