#pragma once
// The measurement method (DESIGN §7): timing with a cold L2, the energy loop, the idle row,
// and the single-launch profile pass that Nsight Compute attaches to.
#include <optional>
#include <string>
#include <vector>

#include "nvml.hpp"
#include "op.hpp"

namespace orrery::validation {

struct Timing {
  double median_us = 0, min_us = 0, max_us = 0;
  int reps = 0;
  std::optional<unsigned> sm_clock_mhz;  // read right after the timed repetitions
  double host_us = 0;                    // longest host time of one op.run() call in warm-up
};

// Warm-up (>= `warmup` runs and >= 20 ms), then `reps` repetitions, each preceded by an L2
// flush and a GPU spin of 2x the op's host call time + 20 us; CUDA events around the op alone.
Timing time_op(Op& op, Context& ctx, DeviceBuffer& flush, DeviceBuffer& sink, int reps, int warmup,
               Nvml& nvml);

struct Energy {
  double energy_j_per_op = 0;  // measured board energy over the loop / ops run (idle included)
  double avg_power_w = 0;
  long long ops = 0;     // op executions in the loop
  double loop_s = 0;     // GPU time of the loop (events)
  double us_per_op = 0;  // loop_s / ops: back-to-back time, warm L2
  int per_graph = 0;     // ops per CUDA graph (0: graph capture failed, direct launches)
  std::optional<unsigned> clock_min_mhz, clock_max_mhz, clock_end_mhz;  // sampled during the loop
  std::optional<unsigned> temp_c;
  std::optional<unsigned long long> reasons;  // NVML clock event reasons at the end
};

// Back-to-back loop of >= `seconds` (no flush inside) replayed from a CUDA graph; energy from
// NVML's total-energy counter before and after. `op_us` sizes the graph.
std::optional<Energy> energy_loop(Op& op, Context& ctx, double seconds, double op_us, Nvml& nvml);

// Board power with nothing running, over `seconds`.
std::optional<Energy> idle_power(double seconds, Nvml& nvml);

// One launch between cudaProfilerStart/Stop, preceded by marker kernel (grid index+1).
void profile_once(Op& op, Context& ctx, DeviceBuffer& flush, DeviceBuffer& sink, int index);

}  // namespace orrery::validation
