#pragma once
// A design point's objective values, aggregated over its workloads (see metric.hpp for how),
// and whether it meets the spec's constraints.
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>

#include "sim/sweep/metric.hpp"
#include "sim/sweep/result_row.hpp"
#include "sim/sweep/spec.hpp"

namespace orrery::sim::sweep {

inline constexpr size_t kMetricCount = 11;

struct PointMetrics {
  uint64_t point = 0;
  size_t workloads = 0;  // rows seen
  bool ok = true;        // every workload simulated
  bool fits = true;      // no row reported fits = false
  std::string reason;    // first reason a row was not ok
  std::array<double, kMetricCount> values{};
  double value(Metric m) const { return values[static_cast<size_t>(m)]; }
};

// Folds rows ordered by point into PointMetrics, calling `emit` once per point.
class PointAggregator {
 public:
  explicit PointAggregator(std::function<void(const PointMetrics&)> emit) : emit_(std::move(emit)) {}
  void add(const ResultRow& row);
  void finish();

 private:
  void flush();
  std::function<void(const PointMetrics&)> emit_;
  bool open_ = false;
  uint64_t point_ = 0;
  size_t rows_ = 0, ok_rows_ = 0;
  bool fits_ = true;
  std::string reason_;
  double cycles_ = 0, seconds_ = 0, energy_ = 0, dram_ = 0, area_ = 0, log_tp_ = 0, util_seconds_ = 0;
  bool tp_zero_ = false;
  double dsp_ = NAN;
};

// True when the point is complete (all `workloads` rows), ok, fits where required, and within
// every constraint; otherwise `why` says which rule failed.
bool feasible(const PointMetrics& p, const SweepSpec& spec, size_t workloads, std::string* why = nullptr);

}  // namespace orrery::sim::sweep
