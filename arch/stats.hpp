#pragma once
// Typed counters every architecture model produces for one op or a whole run. One field table
// (stat_fields) names each counter with its unit; the report writers walk that table, so a
// header can never drift from its value.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace orrery::arch {

struct Stats {
  int64_t cycles = 0;   // in the architecture's (core) clock
  double seconds = 0;   // wall time of the op on the architecture
  double energy_j = 0;  // total, = sum of energy_breakdown_j
  int64_t dram_read_bytes = 0;
  int64_t dram_write_bytes = 0;
  int64_t sram_read_bytes = 0;  // on-chip buffers (systolic SRAM, GPU shared memory, FPGA BRAM)
  int64_t sram_write_bytes = 0;
  int64_t l2_bytes = 0;  // GPU L2 traffic (0 where there is no L2)
  int64_t macs = 0;
  double utilization = 0;      // useful MACs / (peak MACs per cycle x cycles), in [0, 1]
  int64_t compute_cycles = 0;  // cycles the compute units were busy
  int64_t stall_cycles = 0;    // cycles lost waiting for memory (never negative)
  std::map<std::string, double> energy_breakdown_j;  // "mac", "sram", "dram", "leakage", ...

  // Adds counters; utilization becomes the time-weighted mean.
  Stats& operator+=(const Stats& other);
  void add_energy(const std::string& component, double joules);

  // Throws SimulationError if a counter is negative or utilization is outside [0, 1 + eps].
  void check_invariants(const std::string& where) const;
};

struct StatField {
  std::string_view name;
  std::string_view unit;
  std::string_view doc;
  std::variant<int64_t Stats::*, double Stats::*> member;
};

// The fields reported per layer and in total, in report order.
std::span<const StatField> stat_fields();

}  // namespace orrery::arch
