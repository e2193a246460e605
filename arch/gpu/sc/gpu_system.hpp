#pragma once
// The GPU as SystemC modules: a CTA scheduler hands the CTAs of each kernel, in order, to SM
// slots (ctas_per_sm per SM); each CTA runs a tile pipeline: a loader process fetches K-steps
// of operands through an L2 slice (and, for its share of misses, an HBM channel) into a bounded
// sc_fifo of `stages` buffers, the MMA loop consumes them on the SM's tensor cores (shared by
// the SM's resident CTAs), then the epilogue stores the tile. L2 slices and HBM channels are
// bandwidth queues, so contention and the tail of the last wave emerge instead of being
// assumed. Kernels run back to back (a graph is one elaboration: SystemC elaborates once per
// process). Rates are those of the analytical model (kernel_timing.hpp) at the clock it chose.
#include <vector>

#include "arch/gpu/kernel.hpp"
#include "arch/gpu/spec.hpp"

namespace orrery::arch::gpu::sc {

struct ScKernelResult {
  double busy_seconds = 0;  // first CTA start to last CTA end
  double l2_wait_s = 0;     // queueing delay at the L2 slices (all requests)
  double dram_wait_s = 0;   // queueing delay at the HBM channels
  double tail_seconds = 0;  // time during which some SM slots had no CTA left to run
};

// Runs `kernels` back to back at the given clocks (one per kernel), in a forked child
// (arch/isolated_run.hpp): any number of calls per process.
std::vector<ScKernelResult> run_cycle_model(const GpuSpec& spec, const std::vector<Kernel>& kernels,
                                            const std::vector<double>& clock_hz);

}  // namespace orrery::arch::gpu::sc
