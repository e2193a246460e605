#pragma once
// What the cycle model of a loop-nest accelerator reports: a summary and one row per storage
// level and data space. Both trivially copyable (they come back from a forked child, see
// arch/isolated_run.hpp). Counts are per instance, with the analytical model's meanings
// (arch/loopnest/stats.hpp).
#include <array>
#include <cstdint>
#include <vector>

#include "arch/loopnest/limits.hpp"

namespace orrery::arch::loopnest::sc {

struct LoopNestScSummary {
  int64_t cycles = 0;             // until the last compute and the last drain have finished
  int64_t compute_cycles = 0;     // what the MACs alone need (the analytical compute cycles)
  int64_t analytical_cycles = 0;  // the analytical model's cycles for the same mapping
  int64_t computes = 0;           // MACs in total
  int64_t tile_steps = 0;         // timed steps the arithmetic executed
  int64_t computes_per_step = 0;  // per utilized MAC instance
  int aggregate_level = 0;        // levels below this one were aggregated into the steps
  int num_levels = 0;
  int num_data_spaces = 0;
  // Cycles the MACs waited for a level (its tile not there yet: fill bandwidth, single
  // buffering) or were stretched by its ports; plus the drains after the last step.
  std::array<int64_t, kMaxLevels> stall_cycles{};
  int64_t drain_tail_cycles = 0;
  double seconds = 0.0;  // cycles x the spec's cycle time
};

struct LoopNestScRow {
  int level = 0;
  int data_space = 0;
  bool aggregated = false;  // below the aggregation level: the analytical counts, not simulated
  int64_t reads = 0;
  int64_t fills = 0;
  int64_t updates = 0;
  // Most words the level held at once (all buffers; 0 for aggregated levels).
  int64_t peak_resident_words = 0;
};

struct LoopNestScResult {
  LoopNestScSummary summary;
  std::vector<LoopNestScRow> rows;  // levels innermost first, kept data spaces only

  // nullptr when the level does not keep the data space.
  const LoopNestScRow* row(int level, int data_space) const {
    for (const auto& r : rows)
      if (r.level == level && r.data_space == data_space) return &r;
    return nullptr;
  }
};

}  // namespace orrery::arch::loopnest::sc
