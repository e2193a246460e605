#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "arch/systolic/energy.hpp"
#include "arch/systolic/layer_timing.hpp"
#include "common/error.hpp"

namespace orrery::arch::systolic {

int64_t clock_edge(double cycles) { return static_cast<int64_t>(std::ceil(cycles - 1e-9)); }

LayerCounts time_layer(const mappers::systolic::SystolicMapping& m, const SystolicSpec& s) {
  if (m.memory) return time_memory_pass(*m.memory, s);
  return s.timing == Timing::scalesim ? time_scalesim(m, s) : time_exact(m, s);
}

Stats layer_stats(const LayerCounts& c, const mappers::systolic::SystolicMapping& m, const SystolicSpec& s,
                  int64_t useful_macs, const std::string& where) {
  if (c.cycles < c.compute_cycles)
    throw SimulationError(
        fmt::format("{}: negative stall ({} cycles < {} compute cycles)", where, c.cycles, c.compute_cycles));
  if (c.dram_read_bytes < m.compulsory_read_bytes || c.dram_write_bytes < m.compulsory_write_bytes)
    throw SimulationError(fmt::format(
        "{}: DRAM traffic below the compulsory minimum (read {} < {} or write {} < {})", where,
        c.dram_read_bytes, m.compulsory_read_bytes, c.dram_write_bytes, m.compulsory_write_bytes));
  Stats st;
  st.cycles = c.cycles;
  st.compute_cycles = c.compute_cycles;
  st.stall_cycles = c.cycles - c.compute_cycles;
  st.seconds = static_cast<double>(c.cycles) / s.clock_hz;
  st.dram_read_bytes = c.dram_read_bytes;
  st.dram_write_bytes = c.dram_write_bytes;
  st.sram_read_bytes = c.sram_read_bytes;
  st.sram_write_bytes = c.sram_write_bytes;
  st.macs = useful_macs;
  // SCALE-Sim's -1 can make a 1x1 os array look busier than 100 %: clamp there.
  if (c.cycles > 0)
    st.utilization = static_cast<double>(useful_macs) /
                     (static_cast<double>(s.rows * s.cols) * static_cast<double>(c.cycles));
  if (s.timing == Timing::scalesim) st.utilization = std::min(1.0, st.utilization);
  int64_t array_macs = 0;
  for (const auto& p : m.gemms) array_macs += p.array_macs();
  add_energy(st, s, array_macs);
  st.check_invariants(where);
  return st;
}

}  // namespace orrery::arch::systolic
