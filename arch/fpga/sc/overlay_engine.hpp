#pragma once
// SystemC model of a DPU-style overlay (--fidelity cycle): `cores` core modules, started
// staggered as independent threads are, each a tile loader and a MAC array with two tile
// buffers between them, all sharing one off-chip memory
// channel (one transfer at a time, at the sustained bandwidth). Each core runs
// `images_per_core` inferences layer by layer. With one core or ample bandwidth it reproduces
// arch/fpga/overlay_timing exactly; with several cores the bandwidth contention emerges from
// the channel's queue rather than from the analytical fixed point. Runs in a forked child
// (arch/isolated_run.hpp): any number of calls per process.
#include <cstdint>
#include <vector>

#include "arch/fpga/spec.hpp"
#include "mappers/fpga/overlay_mapping.hpp"

namespace orrery::arch::fpga::sc {

struct OverlayScResult {
  std::vector<double> layer_cycles;  // core 0, first image: each layer's cycles
  std::vector<double> layer_stall_cycles;
  double first_inference_cycles = 0;  // core 0's first image
  double total_cycles = 0;            // all images on all cores done
  double throughput_per_s = 0;        // sum over cores of 1 / (interval between its last two images)
};

OverlayScResult run_overlay_sc(const std::vector<mappers::fpga::OverlayMapping>& layers, const FpgaSpec& spec,
                               int64_t images_per_core);

}  // namespace orrery::arch::fpga::sc
