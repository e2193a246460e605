#pragma once
// One pass over a sweep database: the Pareto front, a bounded sample of feasible points for
// scatter plots, and per-axis sensitivity (best value of each objective at each axis value).
// Memory is bounded by the front, the sample cap and the axis sizes, not by the points.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/sweep/pareto.hpp"
#include "sim/sweep/point_space.hpp"
#include "sim/sweep/result_db.hpp"

namespace orrery::sim::sweep {

struct Analysis {
  uint64_t points_seen = 0, feasible = 0, invalid = 0, failed = 0, infeasible = 0;
  std::vector<PointMetrics> front;   // sorted by the first objective
  std::vector<PointMetrics> sample;  // every stride-th feasible point, at most kSampleCap
  // sensitivity[axis][value][objective]: best objective value among feasible points with that
  // axis value (NaN where there is none).
  std::vector<std::vector<std::vector<double>>> sensitivity;
};

inline constexpr size_t kSampleCap = 20000;

Analysis analyze(const ResultDb& db, const SweepSpec& spec, const PointSpace& space);

// The front as a table: header then rows (point, axis values, mapper, objective values).
std::vector<std::string> front_columns(const SweepSpec& spec);
std::vector<std::vector<std::string>> front_rows(const Analysis& a, const SweepSpec& spec,
                                                 const PointSpace& space);
void print_front(std::ostream& out, const Analysis& a, const SweepSpec& spec, const PointSpace& space,
                 size_t max_rows = 30);
std::string front_csv(const Analysis& a, const SweepSpec& spec, const PointSpace& space);

}  // namespace orrery::sim::sweep
