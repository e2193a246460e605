#pragma once
// A systolic array, as its config describes it (configs/systolic/*.yaml). Immutable once built
// from a validated config.
#include <cstdint>
#include <memory>
#include <string>

#include "arch/systolic/dataflow.hpp"
#include "common/config/resolved.hpp"

namespace orrery::arch::systolic {

struct SystolicSpec {
  std::string name;
  int64_t rows = 0, cols = 0;
  Dataflow dataflow = Dataflow::ws;
  Timing timing = Timing::exact;
  // On-chip buffers. Each is double-buffered when `double_buffered` (half holds the working tile).
  int64_t ifmap_sram_bytes = 0, filter_sram_bytes = 0, ofmap_sram_bytes = 0;
  int64_t sram_banks = 1;
  bool double_buffered = true;
  // Off-chip memory.
  double dram_bandwidth_bytes_per_cycle = 0;
  int64_t dram_latency_cycles = 0;
  double clock_hz = 0;
  // Element widths.
  int64_t input_bytes = 1;        // ifmap and filter words
  int64_t output_bytes = 1;       // ofmap words written back
  int64_t accumulator_bytes = 4;  // partial sums kept or spilled
  // Energy per action.
  double mac_pj = 0, sram_pj_per_byte = 0, dram_pj_per_byte = 0, leakage_w = 0;
};

std::shared_ptr<const config::Schema> make_schema();
SystolicSpec make_spec(const config::Resolved& cfg);  // cfg already validated against the schema
void check(const config::Resolved& cfg);              // cross-field checks, throws ConfigError

}  // namespace orrery::arch::systolic
