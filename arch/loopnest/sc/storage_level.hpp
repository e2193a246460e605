#pragma once
// One storage level of the loop-nest accelerator (one representative instance: under a
// factorized mapping every utilized instance of a level moves the same tiles at the same times,
// so one module stands for all of them, and counts are per instance as in the analytical model).
//
// It owns the level's ports (read, write and shared bandwidth, words per cycle per instance) and,
// per data space it keeps, a TileStream with two engines:
//  - the fill engine brings each next tile (version) from the level above, as soon as a buffer
//    is free (multiple buffering: with 2 buffers the next tile's fill overlaps the current
//    tile's use) and the parent holds the data; it costs the parent's read port (words x
//    scatter, through the FanoutLink) and this level's write port;
//  - the drain engine lets a tile go once the arithmetic has finished its last step and the
//    level below has let go of its own tiles inside it; partial sums are drained to the parent
//    first (the parent's write port for the updates, its read port for the read-modify-write).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arch/loopnest/sc/bandwidth_port.hpp"
#include "arch/loopnest/sc/tile_schedule.hpp"
#include "arch/loopnest/sc/tile_stream.hpp"
#include "arch/loopnest/spec.hpp"

namespace orrery::arch::loopnest::sc {

class StorageLevel : public sc_core::sc_module {
 public:
  StorageLevel(sc_core::sc_module_name name, const StorageLevelSpec& spec, int index);

  int index() const { return index_; }

  // Books words on the ports starting at `now_cycles`; returns the (fractional) completion cycle.
  double read(double words, double now_cycles);
  double write(double words, double now_cycles);

  // Elaboration: a stream per kept data space, then the engines of the non-root streams.
  TileStream& add_stream(int data_space, bool read_write, bool root, int64_t tile_words);
  TileStream* stream(int data_space);
  const TileStream* stream(int data_space) const;
  void start_engines(const TileSchedule& schedule, StepProgress& progress);

 private:
  void fill_engine(TileStream& x, const TileSchedule& schedule);
  void drain_engine(TileStream& x, const TileSchedule& schedule, StepProgress& progress);

  // A tile's fill reserves a whole buffer: checks that the level's resident tiles fit its depth
  // (the analytical capacity check guarantees it; a failure is a bug in the engines).
  void reserve_buffer(TileStream& x);

  std::string name_;
  std::optional<int64_t> capacity_words_;
  int index_;
  int buffers_;
  BandwidthPort read_port_;
  BandwidthPort write_port_;
  BandwidthPort shared_port_;
  std::vector<std::unique_ptr<TileStream>> streams_;
};

}  // namespace orrery::arch::loopnest::sc
