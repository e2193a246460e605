#pragma once
// Analytical timing of a DPU-style overlay. One layer on one core, with its tiles double-
// buffered: tile t+1 loads while tile t computes, so with T tiles of compute c and load m
//   layer cycles = layer overhead + m + (T - 1) * max(c, m) + c
// (arch/fpga/sc/overlay_engine reproduces this exactly). Several cores run independent images
// and share the off-chip bandwidth: each core's bandwidth b is the largest value (at most its
// own ports) for which the cores' total demand, cores * bytes / T(b), stays within the memory's
// sustained bandwidth.
#include <cstdint>
#include <vector>

#include "arch/fpga/overlay_calibration.hpp"
#include "arch/fpga/spec.hpp"
#include "mappers/fpga/overlay_mapping.hpp"

namespace orrery::arch::fpga {

struct OverlayLayerTiming {
  double cycles = 0;           // the whole layer on one core
  double compute_cycles = 0;   // array (or misc engine) busy, overheads included
  double stall_cycles = 0;     // waiting for DDR
  double overhead_cycles = 0;  // per-layer instruction fetch and sync
};

// Per-tile numbers both fidelities use.
struct OverlayTile {
  double compute_cycles = 0;  // one tile on the array, block and tile overheads included
  double bytes = 0;           // DDR bytes one tile moves (reads and writes)
};
OverlayTile overlay_tile(const mappers::fpga::OverlayMapping& m, const OverlayCalibration& cal);
bool overlay_runs(const mappers::fpga::OverlayMapping& m);  // false for fused and host ops

OverlayLayerTiming overlay_layer_timing(const mappers::fpga::OverlayMapping& m, const FpgaSpec& spec,
                                        double bytes_per_cycle);

// Sustained off-chip bandwidth of the board, bytes per fabric cycle (calibrated efficiency).
double overlay_sustained_bytes_per_cycle(const FpgaSpec& spec);
// One core's bandwidth with the memory to itself.
double overlay_core_bytes_per_cycle(const FpgaSpec& spec);
double overlay_latency_cycles(const FpgaSpec& spec);

struct OverlayRun {
  double bytes_per_cycle = 0;       // each core's share with all cores busy
  double cycles_per_inference = 0;  // one core, all cores busy (the run's latency)
  double single_core_cycles = 0;    // one core alone (single-thread latency)
  double throughput_per_s = 0;      // all cores busy
  bool bandwidth_bound = false;     // the cores' demand exceeds the sustained bandwidth
};
OverlayRun overlay_run(const std::vector<mappers::fpga::OverlayMapping>& layers, const FpgaSpec& spec,
                       int64_t images_per_run);

}  // namespace orrery::arch::fpga
