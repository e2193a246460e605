#pragma once
// Every constant of the overlay (DPU) model that was fitted rather than read from a product
// guide, with its value and what it was fitted on. The values below are the defaults of the
// config keys overlay.calibration.* (arch/fpga/spec.cpp); the models read them from the config.
// Calibration set (Vitis AI model zoo, int8, multi-thread): ZCU102 3x B4096 @ 281 MHz (ResNet-50,
// VGG-16, MobileNetV2; reference/fpga.md), Alveo U250 ResNet-50 (reference/fpga.md) and VCK5000
// DPUCVDX8H 4PE @ 350 MHz (ResNet-50, MobileNetV2, VGG-16; issue 18). Nothing else was fitted:
// every other board follows from its own engine, clocks and memory.
// tests/arch/fpga/calibration_test.cpp checks the seven figures.

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

// Fitted by coordinate descent minimizing the largest relative error (plus a tenth of the RMS)
// over seven multi-thread figures: ZCU102 3x B4096 ResNet-50 173.6, VGG-16 41.1, MobileNetV2 734
// fps; Alveo U250 ResNet-50 1,224; VCK5000 DPUCVDX8H 4PE (Vitis AI 2.5) ResNet-50 1,675.05,
// MobileNetV2 4,058.70, VGG-16 328.51. Residuals at the fit: ZCU102 -4.9 / -10.0 / -0.7 %, U250
// +8.5 %, VCK5000 -13.7 / +13.3 / +13.8 % (arch/fpga/README.md). The U250's engine geometry is
// itself an assumption (configs/fpga/u250_dpu.yaml), so that figure constrains them only weakly.
inline constexpr OverlayCalibration kOverlayCalibration{
    .ddr_efficiency = 0.40,  // all seven; VGG-16 and MobileNetV2 on the ZCU102 pin it (bandwidth bound)
    .weight_burst_efficiency = 0.82,  // VGG-16 (124 MB of FC weights) against ResNet-50 / MobileNetV2
    .layer_overhead_cycles = 2000,    // per-layer sync and drain: the many small layers of MobileNetV2
    .block_overhead_cycles = 0.125,   // ResNet-50 on the ZCU102 and U250 (compute-bound cores)
    .tile_overhead_cycles = 6.25,     // per buffer tile: descriptor and buffer switch
};

}  // namespace orrery::arch::fpga
