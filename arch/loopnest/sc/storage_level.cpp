#include "arch/loopnest/sc/storage_level.hpp"

#include <algorithm>
#include <cmath>

#include "arch/loopnest/sc/sim_time.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest::sc {

StorageLevel::StorageLevel(sc_core::sc_module_name name, const StorageLevelSpec& spec, int index)
    : sc_core::sc_module(name),
      name_(spec.name),
      capacity_words_(spec.capacity_words()),
      index_(index),
      // A fractional multiple buffering (1.5) reserves capacity for part of a second tile; it
      // cannot hold two whole tiles, so it buffers like 1.
      buffers_(std::max(1, static_cast<int>(std::floor(spec.multiple_buffering + 1e-9)))),
      read_port_(spec.read_bandwidth_words_per_cycle),
      write_port_(spec.write_bandwidth_words_per_cycle),
      shared_port_(spec.shared_bandwidth_words_per_cycle) {}

double StorageLevel::read(double words, double now) {
  return std::max(read_port_.reserve(words, now), shared_port_.reserve(words, now));
}

double StorageLevel::write(double words, double now) {
  return std::max(write_port_.reserve(words, now), shared_port_.reserve(words, now));
}

TileStream& StorageLevel::add_stream(int data_space, bool read_write, bool root, int64_t tile_words) {
  auto x = std::make_unique<TileStream>();
  x->tile_words = tile_words;
  x->level = index_;
  x->data_space = data_space;
  x->read_write = read_write;
  x->root = root;
  x->buffers = buffers_;
  streams_.push_back(std::move(x));
  return *streams_.back();
}

TileStream* StorageLevel::stream(int data_space) {
  for (auto& x : streams_)
    if (x->data_space == data_space) return x.get();
  return nullptr;
}

const TileStream* StorageLevel::stream(int data_space) const {
  for (const auto& x : streams_)
    if (x->data_space == data_space) return x.get();
  return nullptr;
}

void StorageLevel::start_engines(const TileSchedule& schedule, StepProgress& progress) {
  for (auto& x : streams_) {
    if (x->root) continue;
    TileStream* s = x.get();
    sc_core::sc_spawn([this, s, &schedule] { fill_engine(*s, schedule); });
    sc_core::sc_spawn([this, s, &schedule, &progress] { drain_engine(*s, schedule, progress); });
  }
}

void StorageLevel::reserve_buffer(TileStream& x) {
  x.filling = true;
  int64_t level_words = 0;  // every data space's resident tiles, fills in flight included
  for (const auto& other : streams_) level_words += other->resident_words();
  x.peak_resident_words = std::max(x.peak_resident_words, x.resident_words());
  if (capacity_words_ && level_words > *capacity_words_)
    throw SimulationError("loop-nest cycle model: level " + name_ + " would hold " +
                          std::to_string(level_words) + " words, more than its " +
                          std::to_string(*capacity_words_));
}

void StorageLevel::fill_engine(TileStream& x, const TileSchedule& schedule) {
  VersionCursor cursor(schedule, x.level, x.data_space, x.read_write);
  TileVersion v;
  while (cursor.next(v)) {
    // A free buffer: the tile `buffers` versions back has been let go.
    while (x.versions_released < x.versions_ready - x.buffers + 1) sc_core::wait(x.released);
    reserve_buffer(x);
    // The parent holds the data of this tile's first step.
    TileStream& parent = *x.up.parent;
    while (parent.ready_through_step < v.first_step) sc_core::wait(parent.ready);
    // Partial sums seen for the first time arrive as zeros: nothing is fetched.
    const bool zeros = x.read_write && v.first_visit;
    const int64_t fetched = zeros ? 0 : v.arrived_words;
    if (zeros) x.zero_points += v.arrived_words;
    x.fills += fetched;
    const double now = static_cast<double>(now_cycles());
    double done = write(static_cast<double>(fetched), now);
    if (!x.read_write) {
      // The network reads each distinct word once at the parent and multicasts it.
      const int64_t parent_words = fetched * x.up.scatter;
      parent.reads += parent_words;
      done = std::max(done, x.up.parent_level->read(static_cast<double>(parent_words), now));
    }
    wait_until_cycle(whole_cycle_at_or_after(done));
    x.ready_through_step = v.last_step;
    ++x.versions_ready;
    x.filling = false;
    x.ready.notify();
  }
}

void StorageLevel::drain_engine(TileStream& x, const TileSchedule& schedule, StepProgress& progress) {
  VersionCursor cursor(schedule, x.level, x.data_space, x.read_write);
  TileVersion v;
  while (cursor.next(v)) {
    while (progress.done_through_step < v.last_step) sc_core::wait(progress.done);
    if (x.child != nullptr)
      while (x.child->released_through_step < v.last_step) sc_core::wait(x.child->released);
    if (x.read_write) {
      // Every point that arrived goes back up (Timeloop: the parent's updates = the child's
      // arrivals x scatter), and the parent reads the old value to add to it.
      TileStream& parent = *x.up.parent;
      const int64_t parent_words = v.arrived_words * x.up.scatter;
      parent.updates += parent_words;
      const int64_t reduction_reads = parent.take_reduction_reads(parent_words);
      parent.reads += reduction_reads;
      const double now = static_cast<double>(now_cycles());
      const double done = std::max(x.up.parent_level->write(static_cast<double>(parent_words), now),
                                   x.up.parent_level->read(static_cast<double>(reduction_reads), now));
      wait_until_cycle(whole_cycle_at_or_after(done));
    }
    x.released_through_step = v.last_step;
    ++x.versions_released;
    x.released.notify();
  }
}

}  // namespace orrery::arch::loopnest::sc
