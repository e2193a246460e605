#include "arch/stats.hpp"

#include <fmt/format.h>

#include <array>

#include "common/error.hpp"

namespace orrery::arch {

Stats& Stats::operator+=(const Stats& o) {
  const double total_seconds = seconds + o.seconds;
  utilization = total_seconds > 0 ? (utilization * seconds + o.utilization * o.seconds) / total_seconds : 0.0;
  cycles += o.cycles;
  seconds = total_seconds;
  energy_j += o.energy_j;
  dram_read_bytes += o.dram_read_bytes;
  dram_write_bytes += o.dram_write_bytes;
  sram_read_bytes += o.sram_read_bytes;
  sram_write_bytes += o.sram_write_bytes;
  l2_bytes += o.l2_bytes;
  macs += o.macs;
  compute_cycles += o.compute_cycles;
  stall_cycles += o.stall_cycles;
  for (const auto& [k, v] : o.energy_breakdown_j) energy_breakdown_j[k] += v;
  return *this;
}

void Stats::add_energy(const std::string& component, double joules) {
  energy_breakdown_j[component] += joules;
  energy_j += joules;
}

void Stats::check_invariants(const std::string& where) const {
  for (const auto& f : stat_fields()) {
    const double v = std::visit([&](auto member) { return static_cast<double>(this->*member); }, f.member);
    if (v < 0) throw SimulationError(fmt::format("{}: {} is negative ({})", where, f.name, v));
  }
  if (utilization > 1.0 + 1e-9)
    throw SimulationError(fmt::format("{}: utilization {} > 1", where, utilization));
}

std::span<const StatField> stat_fields() {
  static constexpr std::array<StatField, 12> kFields{{
      {"cycles", "cycles", "cycles of the core clock", &Stats::cycles},
      {"seconds", "s", "wall time", &Stats::seconds},
      {"energy_j", "J", "total energy", &Stats::energy_j},
      {"dram_read_bytes", "B", "bytes read from off-chip memory", &Stats::dram_read_bytes},
      {"dram_write_bytes", "B", "bytes written to off-chip memory", &Stats::dram_write_bytes},
      {"sram_read_bytes", "B", "bytes read from on-chip buffers", &Stats::sram_read_bytes},
      {"sram_write_bytes", "B", "bytes written to on-chip buffers", &Stats::sram_write_bytes},
      {"l2_bytes", "B", "L2 cache traffic", &Stats::l2_bytes},
      {"macs", "MAC", "multiply-accumulates performed", &Stats::macs},
      {"utilization", "", "useful MACs over peak MAC capacity for the time taken", &Stats::utilization},
      {"compute_cycles", "cycles", "cycles the compute units were busy", &Stats::compute_cycles},
      {"stall_cycles", "cycles", "cycles lost waiting for memory", &Stats::stall_cycles},
  }};
  return kFields;
}

}  // namespace orrery::arch
