#include "arch/fpga/overlay_timing.hpp"

#include <algorithm>

namespace orrery::arch::fpga {

using mappers::fpga::OverlayMapping;
using mappers::fpga::OverlayUnit;

bool overlay_runs(const OverlayMapping& m) {
  return m.unit != OverlayUnit::fused && m.unit != OverlayUnit::host;
}

double overlay_unit_cycle_ratio(const OverlayMapping& m, const FpgaSpec& spec) {
  const auto& o = spec.overlay;
  auto clock_hz = [&](UnitClock c) { return c == UnitClock::array ? spec.array_hz : spec.fabric_hz; };
  switch (m.unit) {
    case OverlayUnit::conv:
      return spec.fabric_hz / spec.array_hz * static_cast<double>(o.macs_per_cycle()) /
             static_cast<double>(o.array_macs_per_cycle) / o.array_efficiency;
    case OverlayUnit::dwconv:
      if (o.depthwise.unit == DepthwiseUnit::dedicated) return spec.fabric_hz / clock_hz(o.depthwise.clock);
      return spec.fabric_hz / spec.array_hz * static_cast<double>(o.macs_per_cycle()) /
             static_cast<double>(o.array_macs_per_cycle) / o.array_efficiency;
    case OverlayUnit::misc:
      return spec.fabric_hz / clock_hz(o.misc_clock);
    case OverlayUnit::fused:
    case OverlayUnit::host:
      return 0.0;
  }
  return 0.0;
}

double overlay_peak_macs_per_fabric_cycle(const FpgaSpec& spec) {
  const auto& o = spec.overlay;
  return static_cast<double>(o.processing_engines * o.array_macs_per_cycle) * spec.array_hz / spec.fabric_hz;
}

OverlaySteps overlay_steps(const OverlayMapping& m, const FpgaSpec& spec) {
  const OverlayCalibration& cal = spec.overlay.calibration;
  const double tiles = static_cast<double>(std::max<int64_t>(1, m.tiles));
  const double steps = static_cast<double>(std::max(m.steps, std::max<int64_t>(1, m.tiles)));
  const double compute = static_cast<double>(m.array_cycles) * overlay_unit_cycle_ratio(m, spec) +
                         static_cast<double>(m.blocks) * cal.block_overhead_cycles +
                         tiles * cal.tile_overhead_cycles;
  const double weights = static_cast<double>(m.weight_read_bytes) / cal.weight_burst_efficiency;
  const double rest = static_cast<double>(m.fmap_read_bytes + m.write_bytes);
  // The weight tile one step's rows need: weights_outer loads each oc tile once, rows_outer once
  // per row tile.
  const double weight_loads = static_cast<double>(m.oc_tiles) *
                              (m.loop_order == "rows_outer" ? static_cast<double>(m.row_tiles) : 1.0);
  // With prefetch, the free half of the double-buffered weight buffer takes the first tile
  // while the previous layer runs, so the prologue waits only for one step's share.
  const double first_weights =
      spec.overlay.prefetch_weights ? weights / steps : weights / std::max(1.0, weight_loads);
  OverlaySteps st;
  st.steps = steps;
  st.step_compute = compute / steps;
  st.first_bytes = first_weights + rest / steps;
  st.step_bytes = steps > 1 ? (weights + rest - st.first_bytes) / (steps - 1) : 0.0;
  return st;
}

double overlay_sustained_bytes_per_cycle(const FpgaSpec& spec) {
  const OverlayCalibration& cal = spec.overlay.calibration;
  return spec.memory.bandwidth_bytes_per_s * cal.ddr_efficiency / spec.fabric_hz;
}

double overlay_core_bytes_per_cycle(const FpgaSpec& spec) {
  return std::min(spec.overlay.port_bytes_per_cycle, overlay_sustained_bytes_per_cycle(spec));
}

double overlay_latency_cycles(const FpgaSpec& spec) { return spec.memory.latency_s * spec.fabric_hz; }

OverlayLayerTiming overlay_layer_timing(const OverlayMapping& m, const FpgaSpec& spec,
                                        double bytes_per_cycle) {
  const OverlayCalibration& cal = spec.overlay.calibration;
  OverlayLayerTiming t;
  if (!overlay_runs(m)) return t;
  const OverlaySteps st = overlay_steps(m, spec);
  const double c = st.step_compute;
  const double first = st.first_bytes / bytes_per_cycle + overlay_latency_cycles(spec);
  const double load = st.step_bytes / bytes_per_cycle;  // later bursts overlap their latency
  t.overhead_cycles = cal.layer_overhead_cycles;
  t.cycles = t.overhead_cycles + first + (st.steps - 1) * std::max(c, load) + c;
  t.compute_cycles = st.compute();
  t.stall_cycles = std::max(0.0, t.cycles - t.compute_cycles - t.overhead_cycles);
  return t;
}

namespace {
double inference_cycles(const std::vector<OverlayMapping>& layers, const FpgaSpec& spec, double b) {
  double total = 0;
  for (const auto& m : layers) total += overlay_layer_timing(m, spec, b).cycles;
  return total;
}
}  // namespace

OverlayRun overlay_run(const std::vector<OverlayMapping>& layers, const FpgaSpec& spec,
                       int64_t images_per_run) {
  OverlayRun r;
  double bytes = 0;
  for (const auto& m : layers)
    if (overlay_runs(m)) bytes += overlay_steps(m, spec).bytes();
  const double cores = static_cast<double>(spec.overlay.cores);
  const double supply = overlay_sustained_bytes_per_cycle(spec);
  double b = overlay_core_bytes_per_cycle(spec);
  r.single_core_cycles = inference_cycles(layers, spec, b);
  auto demand = [&](double bw) { return cores * bytes / inference_cycles(layers, spec, bw); };
  if (bytes > 0 && demand(b) > supply) {
    // Shrink each core's share until the cores' total demand meets the supply (demand falls
    // monotonically with the share: a slower core asks for bytes at a lower rate).
    r.bandwidth_bound = true;
    double lo = supply / cores * 1e-3, hi = b;
    for (int i = 0; i < 60; ++i) {
      const double mid = 0.5 * (lo + hi);
      (demand(mid) > supply ? hi : lo) = mid;
    }
    b = lo;
  }
  r.bytes_per_cycle = b;
  r.cycles_per_inference = inference_cycles(layers, spec, b);
  // Nothing on the cores (only host and fused ops): no time, so no rate either.
  r.throughput_per_s = r.cycles_per_inference > 0
                           ? cores * static_cast<double>(images_per_run * spec.overlay.images_per_pass()) *
                                 spec.fabric_hz / r.cycles_per_inference
                           : 0.0;
  return r;
}

}  // namespace orrery::arch::fpga
