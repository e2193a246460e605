// An op with no MACs streams its inputs in and its outputs out once, bound by the DRAM channel:
// reads and writes share it back to back, the first byte after the latency:
//   cycles = latency + (read + write bytes) / bandwidth, rounded up to a clock edge; 0 for a view.
// The array is idle meanwhile: all of it counts as stall (memory) cycles, none as compute.
#include "arch/systolic/layer_timing.hpp"

namespace orrery::arch::systolic {

LayerCounts time_memory_pass(const mappers::systolic::MemoryPass& pass, const SystolicSpec& s) {
  LayerCounts c;
  c.dram_read_bytes = pass.read_bytes;
  c.dram_write_bytes = pass.write_bytes;
  const int64_t bytes = pass.read_bytes + pass.write_bytes;
  if (bytes > 0)
    c.cycles = clock_edge(static_cast<double>(s.dram_latency_cycles) +
                          static_cast<double>(bytes) / s.dram_bandwidth_bytes_per_cycle);
  return c;
}
}  // namespace orrery::arch::systolic
