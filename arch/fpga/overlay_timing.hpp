#pragma once
// Analytical timing of a DPU-style overlay. One layer on one core, pipelined in S steps (one
// output row of one weight tile each): step s+1 loads while step s computes, so with per-step
// compute c, prologue load m0 (first weight tile + latency) and per-step load m
//   layer cycles = layer overhead + m0 + (S - 1) * max(c, m) + c
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

// The load/compute steps of one layer, as both fidelities run them. The first step also
// brings the first weight tile (every row of an oc tile needs all of its weights); the rest of
// the bytes are spread evenly over the steps. Weight bytes count 1 / weight_burst_efficiency.
struct OverlaySteps {
  double steps = 1;
  double first_bytes = 0;   // the prologue load
  double step_bytes = 0;    // each later step's load
  double step_compute = 0;  // each step on the array, block and tile overheads included
  double bytes() const { return first_bytes + (steps - 1) * step_bytes; }
  double compute() const { return steps * step_compute; }
};
OverlaySteps overlay_steps(const mappers::fpga::OverlayMapping& m, const FpgaSpec& spec);
// Fabric cycles per cycle of the unit that runs `m` (conv array, depthwise unit, misc engine):
// its clock against the fabric clock and, for the conv array, its peak MACs per cycle against
// the pp x icp x ocp block the mapper counts in, and its kernel efficiency.
double overlay_unit_cycle_ratio(const mappers::fpga::OverlayMapping& m, const FpgaSpec& spec);
// Peak MACs one core completes per fabric cycle (all its PEs' conv arrays).
double overlay_peak_macs_per_fabric_cycle(const FpgaSpec& spec);
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
