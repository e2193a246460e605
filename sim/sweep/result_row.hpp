#pragma once
// One result of a sweep: a (point, workload) task's totals, as a worker returns it and as it
// is stored in the database. Rows cross process (pipe) and rank (MPI) boundaries as bytes.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace orrery::sim::sweep {

enum class RowStatus : uint8_t {
  ok,       // simulated
  invalid,  // the point's config failed the family's checks (e.g. buffer too small): a design
            // that does not exist, not an error of the sweep
  failed,   // the workload could not run on this point (unsupported op, mapping error, ...)
};
std::string_view to_string(RowStatus s);

struct ResultRow {
  uint64_t point = 0;
  uint64_t workload = 0;
  std::string key;          // hash of (config hash, workload, mapper, fidelity, version)
  std::string config_hash;  // Resolved::hash() of the point's config
  std::string mapper;       // the mapper that ran ("" when the point was invalid)
  RowStatus status = RowStatus::ok;
  std::string reason;  // why the row is not ok
  int64_t cycles = 0;
  double seconds = 0, energy_j = 0;
  int64_t dram_read_bytes = 0, dram_write_bytes = 0, sram_read_bytes = 0, sram_write_bytes = 0, macs = 0;
  double utilization = 0, throughput_per_s = 0;
  double area_mm2 = std::numeric_limits<double>::quiet_NaN();  // NaN: the family has no area model
  int8_t fits = -1;                                            // -1 unknown, 0 no, 1 yes (FPGA)
  double dsp_used = std::numeric_limits<double>::quiet_NaN();  // FPGA resources.dsp; NaN elsewhere
};

// Appends the row's bytes to `out`; reads one row from `in` at `pos`, advancing it. A
// truncated or corrupt buffer is a SimulationError.
void append_bytes(const ResultRow& row, std::string& out);
ResultRow read_row(std::string_view in, size_t& pos);

}  // namespace orrery::sim::sweep
