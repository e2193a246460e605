#pragma once
// What the cycle model executes: the mapping's loop nest cut into timed *tile steps*, and, per
// storage level and data space, the sequence of tiles (versions) that level holds. Pure C++ (no
// SystemC): the SystemC modules walk these cursors.
//
// A tile step is one iteration of every temporal loop above the aggregation level A: the loops
// of levels 0..A run inside the step (its computes are one timed block on the MACs). A is the
// lowest level for which the number of steps stays within kMaxTileSteps (0 for the exercises
// and for exercise 06: 688,128 steps), so a VGG layer simulates in about a second. Levels below
// A are *aggregated*: they get no tile stream; their traffic is spread evenly over the steps and
// their counts are the analytical ones (TileSchedule::aggregate_level says which levels).
//
// Tile changes follow Timeloop's rule (README "Fills"), applied step by step: level i's tile of
// data space s is identified by the indices of the loops above i that are relevant to s. When a
// step changes that identity, a new version arrives: only the sliding-window delta when the
// change is one advance of the innermost loop above i (and that loop is relevant), else the
// whole tile. A version of partial sums (read-write) is a *first visit* when every irrelevant
// loop outside the innermost relevant one is at index 0: its points arrive as zeros, unfetched.
#include <array>
#include <cstdint>
#include <vector>

#include "arch/loopnest/limits.hpp"
#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/spec.hpp"

namespace orrery::arch::loopnest::sc {

// Above this many tile steps the schedule aggregates one more level into the step (SystemC
// costs about a microsecond per step and process switch).
inline constexpr int64_t kMaxTileSteps = int64_t{1} << 21;

// One tile a level holds, over the steps [first_step, last_step].
struct TileVersion {
  int64_t first_step = 0;
  int64_t last_step = 0;
  int64_t arrived_words = 0;  // points that arrive (tile or sliding delta; zeros included)
  bool first_visit = false;   // read-write only: the points arrive as zeros (not fetched)
};

class TileSchedule {
 public:
  TileSchedule(const LoopNestSpec& spec, const Problem& problem, const Mapping& mapping,
               int64_t max_tile_steps = kMaxTileSteps);

  int aggregate_level() const { return aggregate_level_; }  // levels below it are aggregated
  int64_t steps() const { return steps_; }
  int64_t computes_per_step() const { return computes_per_step_; }  // per utilized MAC

  // The explicit loops (above the aggregation level), innermost first.
  int num_loops() const { return static_cast<int>(loop_bound_.size()); }
  int64_t loop_bound(int k) const { return loop_bound_[k]; }
  int loop_dim(int k) const { return loop_dim_[k]; }

  // Index of the first explicit loop above level i (>= aggregate_level()).
  int first_loop_above(int level) const { return first_above_[level]; }
  // Footprint of level i's tile of s, and the delta when its innermost loop above slides.
  int64_t tile_words(int level, int ds) const { return tile_[level][ds]; }
  int64_t slide_words(int level, int ds) const { return slide_[level][ds]; }
  bool relevant(int ds, int dim) const { return (relevant_mask_[ds] >> dim) & 1u; }

 private:
  int aggregate_level_ = 0;
  int64_t steps_ = 1;
  int64_t computes_per_step_ = 1;
  std::vector<int> loop_dim_;
  std::vector<int64_t> loop_bound_;
  std::array<int, kMaxLevels> first_above_{};
  std::array<std::array<int64_t, kMaxDataSpaces>, kMaxLevels> tile_{};
  std::array<std::array<int64_t, kMaxDataSpaces>, kMaxLevels> slide_{};
  std::array<uint32_t, kMaxDataSpaces> relevant_mask_{};
};

// Walks the versions of one (level, data space) in order. Each walker has its own odometer, so
// the fill engine and the drain engine of a level advance independently.
class VersionCursor {
 public:
  VersionCursor(const TileSchedule& schedule, int level, int ds, bool read_write);
  // Writes the next version and returns true, or false after the last one.
  bool next(TileVersion& out);

 private:
  // Advances the odometer over the loops from first_ by one; returns the outermost loop that
  // changed, or -1 past the end.
  int advance();
  bool first_visit_now() const;

  const TileSchedule& schedule_;
  bool read_write_;
  int first_;            // first explicit loop above the level
  int relevant_first_;   // innermost relevant loop at or above first_ (num_loops: none)
  int64_t step_stride_;  // steps per advance of loop first_
  int64_t step_ = 0;     // step at the odometer's position
  std::vector<int64_t> index_;
  std::vector<bool> irrelevant_;
  bool started_ = false;
  bool done_ = false;
  TileVersion pending_{};  // the version that starts at the odometer's position
  int64_t tile_ = 0;
  int64_t slide_ = 0;
};

}  // namespace orrery::arch::loopnest::sc
