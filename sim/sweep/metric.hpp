#pragma once
// The quantities a sweep can optimize or constrain, and how each is aggregated over a point's
// workloads. Additive quantities (cycles, seconds, energy, DRAM bytes) are summed over the
// workloads; EDP is the product of the sums; throughput is the geometric mean of the per-workload
// inferences/s; power is total energy / total seconds; area belongs to the design, not the
// workload; dsp (FPGA DSP slices used) is the largest over the workloads.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace orrery::sim::sweep {

enum class Metric {
  cycles,
  seconds,
  energy_j,
  edp,
  dram_bytes,
  area_mm2,
  throughput,
  perf_per_area,
  power_w,
  utilization,
  dsp
};
enum class Goal { min, max };

struct MetricInfo {
  Metric metric;
  std::string_view name;  // canonical spelling, used in tables, CSV and plots
  std::string_view unit;
  std::string_view doc;
};

std::span<const MetricInfo> metric_table();
const MetricInfo& info(Metric m);
// Accepts the canonical names and the aliases latency, energy, area, dram_traffic, perf_per_mm2.
std::optional<Metric> parse_metric(std::string_view name);
std::string metric_choices();  // "cycles|seconds|..." for error messages

}  // namespace orrery::sim::sweep
