#pragma once
// The arithmetic level: one representative MAC instance executing the tile steps in order. A
// step starts when, for every data space, the level that feeds the MACs (the lowest level with
// a tile stream keeping it) holds the step's tile; the step's computes then take
// computes_per_step / macs_per_instance cycles, while its operands stream from that level's read
// port and its partial sums go to its write port (plus the traffic of aggregated levels, spread
// evenly over the steps). A step ends when the computes and those transfers have finished: a
// port slower than the MACs stretches it. Time the MACs wait is charged as stall cycles to the
// level they waited for.
#include <array>
#include <cstdint>
#include <vector>

#include "arch/loopnest/limits.hpp"
#include "arch/loopnest/sc/storage_level.hpp"
#include "arch/loopnest/sc/tile_schedule.hpp"
#include "arch/loopnest/sc/tile_stream.hpp"

namespace orrery::arch::loopnest::sc {

// What the MACs take from (read-only) or give to (read-write) one data space's feeding level,
// over the whole run (per instance of that level).
struct MacFeed {
  StorageLevel* level = nullptr;
  TileStream* stream = nullptr;
  int64_t total_words = 0;
};

// Port traffic of one aggregated level (below the schedule's aggregation level), whole run.
struct AggregatedTraffic {
  StorageLevel* level = nullptr;
  int64_t read_words = 0;
  int64_t write_words = 0;
};

class Arithmetic : public sc_core::sc_module {
 public:
  Arithmetic(sc_core::sc_module_name name, const TileSchedule& schedule, int64_t macs_per_instance,
             std::vector<MacFeed> feeds, std::vector<AggregatedTraffic> aggregated);

  StepProgress& progress() { return progress_; }
  int64_t last_step_end_cycle() const { return last_step_end_cycle_; }
  const std::array<int64_t, kMaxLevels>& stall_cycles() const { return stall_cycles_; }

 private:
  void run();
  // The share of `total` that step t carries when spread evenly (integer, exact in sum).
  int64_t share(int64_t total, int64_t t) const;

  const TileSchedule& schedule_;
  int64_t macs_per_instance_;
  std::vector<MacFeed> feeds_;
  std::vector<AggregatedTraffic> aggregated_;
  StepProgress progress_;
  int64_t last_step_end_cycle_ = 0;
  std::array<int64_t, kMaxLevels> stall_cycles_{};
};

}  // namespace orrery::arch::loopnest::sc
