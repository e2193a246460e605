#include "sim/sweep/point_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace orrery::sim::sweep {

void PointAggregator::add(const ResultRow& row) {
  if (open_ && row.point != point_) flush();
  if (!open_) {
    open_ = true;
    point_ = row.point;
  }
  ++rows_;
  if (row.fits == 0) fits_ = false;
  if (row.status != RowStatus::ok) {
    if (reason_.empty()) reason_ = fmt::format("{}: {}", to_string(row.status), row.reason);
    return;
  }
  ++ok_rows_;
  cycles_ += static_cast<double>(row.cycles);
  seconds_ += row.seconds;
  energy_ += row.energy_j;
  dram_ += static_cast<double>(row.dram_read_bytes + row.dram_write_bytes);
  area_ = row.area_mm2;
  if (row.throughput_per_s > 0)
    log_tp_ += std::log(row.throughput_per_s);
  else
    tp_zero_ = true;
  util_seconds_ += row.utilization * row.seconds;
  if (!std::isnan(row.dsp_used)) dsp_ = std::isnan(dsp_) ? row.dsp_used : std::max(dsp_, row.dsp_used);
}

void PointAggregator::flush() {
  if (!open_) return;
  PointMetrics p;
  p.point = point_;
  p.workloads = rows_;
  p.ok = ok_rows_ == rows_;
  p.fits = fits_;
  p.reason = reason_;
  auto set = [&](Metric m, double v) { p.values[static_cast<size_t>(m)] = v; };
  const double tp = (tp_zero_ || ok_rows_ == 0) ? 0.0 : std::exp(log_tp_ / static_cast<double>(ok_rows_));
  set(Metric::cycles, cycles_);
  set(Metric::seconds, seconds_);
  set(Metric::energy_j, energy_);
  set(Metric::edp, energy_ * seconds_);
  set(Metric::dram_bytes, dram_);
  set(Metric::area_mm2, area_);
  set(Metric::throughput, tp);
  set(Metric::perf_per_area, area_ > 0 ? tp / area_ : NAN);
  set(Metric::power_w, seconds_ > 0 ? energy_ / seconds_ : NAN);
  set(Metric::utilization, seconds_ > 0 ? util_seconds_ / seconds_ : 0.0);
  set(Metric::dsp, dsp_);
  emit_(p);
  *this = PointAggregator(std::move(emit_));
}

void PointAggregator::finish() { flush(); }

bool feasible(const PointMetrics& p, const SweepSpec& spec, size_t workloads, std::string* why) {
  auto no = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return false;
  };
  if (p.workloads != workloads) return no(fmt::format("{} of {} workloads done", p.workloads, workloads));
  if (!p.ok) return no(p.reason);
  if (spec.require_fits && !p.fits) return no("does not fit");
  for (const auto& c : spec.constraints) {
    const double v = p.value(c.metric);
    if (std::isnan(v)) return no(fmt::format("{} unknown", info(c.metric).name));
    if (c.min && v < *c.min) return no(fmt::format("{} {} < min {}", info(c.metric).name, v, *c.min));
    if (c.max && v > *c.max) return no(fmt::format("{} {} > max {}", info(c.metric).name, v, *c.max));
  }
  for (const auto& o : spec.objectives)
    if (std::isnan(p.value(o.metric))) return no(fmt::format("{} unknown", info(o.metric).name));
  return true;
}

}  // namespace orrery::sim::sweep
