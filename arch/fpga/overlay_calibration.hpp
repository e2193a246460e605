#pragma once
// Every constant of the overlay (DPU) model that was fitted rather than read from a data sheet,
// with its value and what it was fitted on. The values below are the defaults of the config
// keys overlay.calibration.* (arch/fpga/spec.cpp); the models read them from the config. Calibration set
// (reference/fpga.md, Vitis AI model zoo, int8, multi-thread): ZCU102 3x B4096 @ 281 MHz: ResNet-50 173.6
// fps, VGG-16 41.1 fps, MobileNetV2 734 fps; Alveo U250: ResNet-50 1,224 fps. Nothing else was fitted:
// ZCU104, KV260 and any user config follow from their own clocks, cores and bandwidth.
// tests/arch/fpga/calibration_test.cpp checks the four figures within 10 %.

namespace orrery::arch::fpga {

struct OverlayCalibration {
  // Fraction of the peak off-chip bandwidth the engine's AXI masters sustain (refresh, bank
  // conflicts, read/write turnaround, the host's own traffic).
  double ddr_efficiency;
  // Weights arrive in short bursts (one icp x ocp x kernel block at a time) rather than the
  // long row bursts of feature maps: each weight byte costs 1 / weight_burst_efficiency bytes
  // of bandwidth time.
  double weight_burst_efficiency;
  // Cycles per layer for instruction fetch, end-of-layer synchronization and pipeline drain.
  double layer_overhead_cycles;
  // Cycles each output block (pp pixels x ocp channels, accumulated over icp x kernel) adds for
  // loading the accumulators and draining the results.
  double block_overhead_cycles;
  // Cycles each tile adds for its descriptor and buffer switch.
  double tile_overhead_cycles;
};

// Fitted by a grid search minimizing the largest relative error over the four figures above:
// predicted ZCU102 ResNet-50 169.2 (-2.5 %), VGG-16 41.0 (-0.2 %), MobileNetV2 730.1 (-0.5 %),
// U250 ResNet-50 1,235.6 (+0.9 %). The U250's engine geometry is itself an assumption
// (configs/fpga/u250_dpu.yaml), so that figure constrains the constants only weakly.
inline constexpr OverlayCalibration kOverlayCalibration{
    .ddr_efficiency = 0.60,           // all four figures; VGG-16 and MobileNetV2 pin it (bandwidth bound)
    .weight_burst_efficiency = 0.60,  // VGG-16 (124 MB of FC weights) against MobileNetV2 (3.5 MB)
    .layer_overhead_cycles = 0,       // fitted to zero: the tile overhead already covers it
    .block_overhead_cycles = 1,       // ResNet-50 on the ZCU102 and U250 (compute-bound cores)
    .tile_overhead_cycles = 50,       // ResNet-50 / MobileNetV2 on the ZCU102
};

}  // namespace orrery::arch::fpga
