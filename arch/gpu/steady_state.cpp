#include "arch/gpu/steady_state.hpp"

#include "arch/gpu/kernel_timing.hpp"
#include "mappers/gpu/library_mapper.hpp"

namespace orrery::arch::gpu {

SteadyState steady_state(const config::Resolved& cfg, const workloads::Graph& graph, bool pytorch) {
  const GpuSpec spec = make_spec(cfg);
  const double loop_share = static_cast<double>(spec.l2_bytes) * spec.calibration.l2_loop_fraction;
  SteadyState out;
  double longest = 0;
  const auto rt = pytorch ? mappers::gpu::Runtime::pytorch : mappers::gpu::Runtime::library;
  for (const auto& m : mappers::gpu::map_graph(graph, spec, graph.size() > 1 && spec.fuse_epilogues, rt)) {
    for (Kernel k : m.kernels) {
      // Back to back, a kernel whose inputs and outputs fit the L2's loop share finds them there
      // and leaves its writes there; a larger one streams as when cold, and all it writes reaches
      // DRAM (the next copy's writes evict the last one's).
      if (k.dram_read_bytes + k.written_bytes <= loop_share) {
        k.dram_read_bytes = k.dram_write_bytes = 0;
        // Its serial loads then hit the L2 too: a dependent L2 step each, not a DRAM round trip,
        // and a wave no longer waits one before streaming.
        k.dependent_accesses += k.dram_round_trips;
        k.dram_round_trips = 0;
        k.dram_dependent_accesses = 0;
        k.wave_round_trip = false;
      } else {
        k.dram_write_bytes = k.written_bytes;
      }
      KernelTiming t = time_kernel(spec, k, LaunchMode::graph, true);
      // Copies of one library kernel back to back overlap each one's setup with the previous
      // one's tail (programmatic dependent launch): a loop pays no per-kernel fixed time. (A
      // kernel's own setup before its first tile, Kernel::setup_s, recurs.)
      if (const double fixed = kernel_fixed_seconds(spec, k) - k.setup_s; fixed > 0) {
        t.stall_seconds -= fixed;
        with_busy_time(spec, t, t.busy_seconds - fixed);
      }
      out.seconds += t.seconds;
      out.energy_j += t.energy_j;
      if (t.seconds > longest) {
        longest = t.seconds;
        out.clock_mhz = t.clock_hz / 1e6;
      }
    }
  }
  if (out.seconds > 0) out.power_w = out.energy_j / out.seconds;
  return out;
}

}  // namespace orrery::arch::gpu
