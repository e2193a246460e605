#include "sim/sweep/metric.hpp"

#include <array>

namespace orrery::sim::sweep {

std::span<const MetricInfo> metric_table() {
  static constexpr std::array kTable{
      MetricInfo{Metric::cycles, "cycles", "cycles", "total cycles over the workloads"},
      MetricInfo{Metric::seconds, "seconds", "s", "total latency over the workloads"},
      MetricInfo{Metric::energy_j, "energy_j", "J", "total energy over the workloads"},
      MetricInfo{Metric::edp, "edp", "J*s", "energy-delay product (total energy x total seconds)"},
      MetricInfo{Metric::dram_bytes, "dram_bytes", "B", "off-chip bytes read + written"},
      MetricInfo{Metric::area_mm2, "area_mm2", "mm^2", "die area from the family's area model"},
      MetricInfo{Metric::throughput, "throughput", "inferences/s", "geometric mean over the workloads"},
      MetricInfo{Metric::perf_per_area, "perf_per_area", "inferences/s/mm^2", "throughput / area"},
      MetricInfo{Metric::power_w, "power_w", "W", "average power: total energy / total seconds"},
      MetricInfo{Metric::utilization, "utilization", "", "time-weighted mean MAC utilization"},
      MetricInfo{Metric::dsp, "dsp", "DSPs", "FPGA DSP slices used (largest over the workloads)"},
  };
  return kTable;
}

const MetricInfo& info(Metric m) { return metric_table()[static_cast<size_t>(m)]; }

std::optional<Metric> parse_metric(std::string_view name) {
  for (const auto& i : metric_table())
    if (i.name == name) return i.metric;
  if (name == "latency") return Metric::seconds;
  if (name == "energy") return Metric::energy_j;
  if (name == "area") return Metric::area_mm2;
  if (name == "dram_traffic") return Metric::dram_bytes;
  if (name == "perf_per_mm2") return Metric::perf_per_area;
  return std::nullopt;
}

std::string metric_choices() {
  std::string out;
  for (const auto& i : metric_table()) {
    if (!out.empty()) out += '|';
    out += i.name;
  }
  return out;
}

}  // namespace orrery::sim::sweep
