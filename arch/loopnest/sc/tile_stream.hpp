#pragma once
// The tiles of one data space at one storage level, as the engines see them: how far the level
// is filled (ready through which step), how far it has let go of its tiles (released through
// which step), and what it counted. Engines of the level itself, of its child and of the MACs
// synchronize on these counters and events; only one simulation runs per process (isolated_run),
// and the streams belong to the modules of that simulation.
#include <algorithm>
#include <cstdint>
#include <systemc>

namespace orrery::arch::loopnest::sc {

class StorageLevel;
struct TileStream;

// The network from one instance of a parent level to the instances of the child level below it
// (through any spatial-only levels between them). `scatter` children get distinct data; the
// others get the same words at once (multicast of read-only data, spatial reduction of partial
// sums), so the parent moves child words x scatter. Links have no latency or hop cost.
struct FanoutLink {
  StorageLevel* parent_level = nullptr;
  TileStream* parent = nullptr;
  int64_t scatter = 1;
  int64_t multicast = 1;
};

// The arithmetic's progress: every step up to done_through_step has completed.
struct StepProgress {
  int64_t done_through_step = -1;
  sc_core::sc_event done;
};

struct TileStream {
  int level = 0;
  int data_space = 0;
  bool read_write = false;
  bool root = false;  // the backing store: holds everything from the start, never refilled
  int buffers = 1;    // tiles the level may hold at once (multiple buffering)
  int64_t tile_words = 0;
  FanoutLink up;                // to the next level above that keeps this data space (unused for the root)
  TileStream* child = nullptr;  // next level below keeping it, when that level has a stream

  int64_t ready_through_step = -1;
  int64_t versions_ready = 0;
  sc_core::sc_event ready;
  int64_t released_through_step = -1;
  int64_t versions_released = 0;
  sc_core::sc_event released;

  // Counts per instance, as the analytical model defines them.
  int64_t reads = 0;
  int64_t fills = 0;
  int64_t updates = 0;
  // Points that arrived as zeros (first visits of partial sums, or the whole backing store)
  // and have not been updated yet: their first update reads nothing.
  int64_t zero_points = 0;
  // Most words of this data space the level held at once (tiles resident or being filled).
  int64_t peak_resident_words = 0;

  bool filling = false;  // a buffer is reserved for the tile being filled

  int64_t resident_words() const {
    return (versions_ready - versions_released + (filling ? 1 : 0)) * tile_words;
  }

  // Reads that `update_words` partial-sum updates cause (read-modify-write), first updates excepted.
  int64_t take_reduction_reads(int64_t update_words) {
    const int64_t free_updates = std::min(zero_points, update_words);
    zero_points -= free_updates;
    return update_words - free_updates;
  }
};

}  // namespace orrery::arch::loopnest::sc
