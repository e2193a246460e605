#include "arch/gpu/op_stats.hpp"

#include <algorithm>
#include <cmath>

namespace orrery::arch::gpu {

Stats op_stats(const GpuSpec& spec, const workloads::Op& op, const std::vector<Kernel>& kernels,
               const std::vector<KernelTiming>& timings) {
  Stats s;
  s.macs = op.macs();
  double peak_flops = 0;  // FLOP/s at each kernel's clock, time-weighted
  for (size_t i = 0; i < kernels.size(); ++i) {
    const Kernel& k = kernels[i];
    const KernelTiming& t = timings[i];
    const double f = t.clock_hz;
    s.cycles += static_cast<int64_t>(std::llround(t.seconds * f));
    s.seconds += t.seconds;
    s.compute_cycles += static_cast<int64_t>(std::llround(std::min(t.math_seconds, t.busy_seconds) * f));
    s.dram_read_bytes += static_cast<int64_t>(std::llround(k.dram_read_bytes));
    s.dram_write_bytes += static_cast<int64_t>(std::llround(k.dram_write_bytes));
    s.l2_bytes += static_cast<int64_t>(std::llround(k.l2_bytes));
    s.sram_read_bytes +=
        static_cast<int64_t>(std::llround(k.smem_bytes_per_cta * static_cast<double>(k.ctas)));
    s.add_energy("idle", t.energy_idle_j);
    s.add_energy("active", t.energy_active_j);
    s.add_energy("math", t.energy_math_j);
    s.add_energy("l2", t.energy_l2_j);
    s.add_energy("dram", t.energy_dram_j);
    const double per_clk =
        spec.tensor_flops_per_clk(op.dtype) > 0 ? spec.tensor_flops_per_clk(op.dtype) : spec.cuda_fp32_flops;
    peak_flops += per_clk * static_cast<double>(spec.sm_count) * f * t.seconds;
  }
  s.stall_cycles = std::max<int64_t>(0, s.cycles - s.compute_cycles);
  if (peak_flops > 0) s.utilization = std::min(1.0, 2.0 * static_cast<double>(s.macs) / peak_flops);
  return s;
}

}  // namespace orrery::arch::gpu
