#include "arch/fpga/overlay_timing.hpp"

#include <algorithm>

namespace orrery::arch::fpga {

using mappers::fpga::OverlayMapping;
using mappers::fpga::OverlayUnit;

bool overlay_runs(const OverlayMapping& m) {
  return m.unit != OverlayUnit::fused && m.unit != OverlayUnit::host;
}

OverlayTile overlay_tile(const OverlayMapping& m, const OverlayCalibration& cal) {
  const double tiles = static_cast<double>(std::max<int64_t>(1, m.tiles));
  const double compute =
      static_cast<double>(m.array_cycles) + static_cast<double>(m.blocks) * cal.block_overhead_cycles;
  const double bytes = static_cast<double>(m.fmap_read_bytes + m.write_bytes) +
                       static_cast<double>(m.weight_read_bytes) / cal.weight_burst_efficiency;
  return {compute / tiles + cal.tile_overhead_cycles, bytes / tiles};
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
  const OverlayTile tile = overlay_tile(m, cal);
  const double tiles = static_cast<double>(std::max<int64_t>(1, m.tiles));
  const double c = tile.compute_cycles;
  const double load = tile.bytes / bytes_per_cycle + overlay_latency_cycles(spec);
  t.overhead_cycles = cal.layer_overhead_cycles;
  t.cycles = t.overhead_cycles + load + (tiles - 1) * std::max(c, load) + c;
  t.compute_cycles = c * tiles;
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
  const OverlayCalibration& cal = spec.overlay.calibration;
  OverlayRun r;
  double bytes = 0;
  for (const auto& m : layers)
    bytes += overlay_tile(m, cal).bytes * static_cast<double>(std::max<int64_t>(1, m.tiles));
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
                           ? cores * static_cast<double>(images_per_run * spec.overlay.images_per_batch) *
                                 spec.fabric_hz / r.cycles_per_inference
                           : 0.0;
  return r;
}

}  // namespace orrery::arch::fpga
