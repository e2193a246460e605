#include "arch/loopnest/sc/loopnest_system.hpp"

#include <string>

#include "arch/loopnest/sc/sim_time.hpp"
#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest::sc {

LoopNestSystem::LoopNestSystem(sc_core::sc_module_name name, const LoopNestSpec& spec, const Problem& problem,
                               const Mapping& mapping, const LoopNestStats& analytical,
                               const TileSchedule& schedule)
    : sc_core::sc_module(name), spec_(spec), problem_(problem), analytical_(analytical), schedule_(schedule) {
  const int num_levels = spec.num_levels();
  const int aggregate = schedule.aggregate_level();
  for (int i = 0; i < num_levels; ++i)
    levels_.push_back(
        std::make_unique<StorageLevel>(("level_" + std::to_string(i)).c_str(), spec.levels[i], i));

  std::vector<MacFeed> feeds;
  for (int s = 0; s < problem.num_data_spaces(); ++s) {
    const bool rw = problem.data_spaces[s].read_write;
    TileStream* below = nullptr;  // the last stream created for s, one level down the chain
    for (int i = aggregate; i < num_levels; ++i) {
      if (!mapping.levels[i].keep[s]) continue;
      const DataSpaceLevelStats& st = analytical.levels[i].data_spaces[s];
      const bool root = i == num_levels - 1;
      TileStream& x = levels_[i]->add_stream(s, rw, root, st.utilized_capacity);
      if (root) {
        x.ready_through_step = schedule.steps() - 1;
        x.versions_ready = 1;
        x.peak_resident_words = st.utilized_capacity;
        if (rw) x.zero_points = st.partition_size;  // the whole output starts as zeros there
      }
      if (below != nullptr) {
        below->up = FanoutLink{levels_[i].get(), &x, st.scatter_factor, st.multicast_factor};
        x.child = below;
      } else {
        // The lowest stream of s feeds the MACs (directly, or through aggregated levels).
        feeds.push_back(MacFeed{levels_[i].get(), &x, rw ? st.updates : st.reads});
      }
      below = &x;
    }
  }
  std::vector<AggregatedTraffic> aggregated;
  for (int i = 0; i < aggregate; ++i) {
    AggregatedTraffic a{levels_[i].get(), 0, 0};
    for (int s = 0; s < problem.num_data_spaces(); ++s) {
      const DataSpaceLevelStats& st = analytical.levels[i].data_spaces[s];
      a.read_words += st.reads;
      a.write_words += st.fills + st.updates;
    }
    aggregated.push_back(a);
  }
  arithmetic_ = std::make_unique<Arithmetic>("arithmetic", schedule, spec.arithmetic.macs_per_instance,
                                             std::move(feeds), std::move(aggregated));
  for (auto& level : levels_) level->start_engines(schedule, arithmetic_->progress());
}

LoopNestScResult LoopNestSystem::result() const {
  LoopNestScResult r;
  LoopNestScSummary& sum = r.summary;
  sum.cycles = now_cycles();
  sum.compute_cycles =
      ceil_div(schedule_.steps() * schedule_.computes_per_step(), spec_.arithmetic.macs_per_instance);
  sum.analytical_cycles = analytical_.cycles;
  sum.computes = analytical_.computes;
  sum.tile_steps = schedule_.steps();
  sum.computes_per_step = schedule_.computes_per_step();
  sum.aggregate_level = schedule_.aggregate_level();
  sum.num_levels = spec_.num_levels();
  sum.num_data_spaces = problem_.num_data_spaces();
  sum.stall_cycles = arithmetic_->stall_cycles();
  sum.drain_tail_cycles = sum.cycles - arithmetic_->last_step_end_cycle();
  sum.seconds = static_cast<double>(sum.cycles) * spec_.cycle_seconds;
  int64_t stalls = 0;
  for (int64_t c : sum.stall_cycles) stalls += c;
  // Cheap invariants, kept in Release: the MACs' time is computes plus stalls, and every
  // process has finished (the last step done, every drain after it).
  if (arithmetic_->last_step_end_cycle() != sum.compute_cycles + stalls || sum.drain_tail_cycles < 0 ||
      arithmetic_->progress().done_through_step != schedule_.steps() - 1)
    throw SimulationError("loop-nest cycle model: the MACs' time is not computes plus stalls");

  for (int i = 0; i < spec_.num_levels(); ++i)
    for (int s = 0; s < problem_.num_data_spaces(); ++s) {
      const DataSpaceLevelStats& st = analytical_.levels[i].data_spaces[s];
      if (!st.kept) continue;
      LoopNestScRow row;
      row.level = i;
      row.data_space = s;
      if (i < schedule_.aggregate_level()) {
        row.aggregated = true;
        row.reads = st.reads;
        row.fills = st.fills;
        row.updates = st.updates;
      } else {
        const TileStream* x = levels_[i]->stream(s);
        if (x == nullptr) throw SimulationError("loop-nest cycle model: a kept data space has no stream");
        row.reads = x->reads;
        row.fills = x->fills;
        row.updates = x->updates;
        row.peak_resident_words = x->peak_resident_words;
      }
      r.rows.push_back(row);
    }
  return r;
}

}  // namespace orrery::arch::loopnest::sc
