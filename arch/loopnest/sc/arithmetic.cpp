#include "arch/loopnest/sc/arithmetic.hpp"

#include <utility>

#include "arch/loopnest/sc/sim_time.hpp"
#include "common/checked_math.hpp"

namespace orrery::arch::loopnest::sc {

Arithmetic::Arithmetic(sc_core::sc_module_name name, const TileSchedule& schedule, int64_t macs_per_instance,
                       std::vector<MacFeed> feeds, std::vector<AggregatedTraffic> aggregated)
    : sc_core::sc_module(name),
      schedule_(schedule),
      macs_per_instance_(macs_per_instance),
      feeds_(std::move(feeds)),
      aggregated_(std::move(aggregated)) {
  sc_core::sc_spawn([this] { run(); });
}

int64_t Arithmetic::share(int64_t total, int64_t t) const {
  // floor(total (t+1) / S) - floor(total t / S), with total = q S + r so that nothing overflows
  // (r < S <= kMaxTileSteps).
  const int64_t steps = schedule_.steps();
  const int64_t q = total / steps;
  const int64_t r = total % steps;
  return q + r * (t + 1) / steps - r * t / steps;
}

void Arithmetic::run() {
  const int64_t per_step = schedule_.computes_per_step();
  for (int64_t t = 0; t < schedule_.steps(); ++t) {
    for (const MacFeed& f : feeds_) {
      const int64_t wait_start = now_cycles();
      while (f.stream->ready_through_step < t) sc_core::wait(f.stream->ready);
      stall_cycles_[f.level->index()] += now_cycles() - wait_start;
    }
    const int64_t start = now_cycles();
    // A vector MAC finishes macs_per_instance computes per cycle; the rounding is taken on the
    // running total so that the steps add up to ceil(all computes / macs_per_instance).
    const int64_t compute_end =
        start + ceil_div((t + 1) * per_step, macs_per_instance_) - ceil_div(t * per_step, macs_per_instance_);
    const double now = static_cast<double>(start);
    double latest = static_cast<double>(compute_end);
    int latest_level = -1;
    auto track = [&](double done, int level) {
      if (done > latest) {
        latest = done;
        latest_level = level;
      }
    };
    for (const MacFeed& f : feeds_) {
      TileStream& x = *f.stream;
      const int64_t words = share(f.total_words, t);
      if (x.read_write) {
        x.updates += words;
        const int64_t reduction_reads = x.take_reduction_reads(words);
        x.reads += reduction_reads;
        track(f.level->write(static_cast<double>(words), now), f.level->index());
        track(f.level->read(static_cast<double>(reduction_reads), now), f.level->index());
      } else {
        x.reads += words;
        track(f.level->read(static_cast<double>(words), now), f.level->index());
      }
    }
    for (const AggregatedTraffic& a : aggregated_) {
      track(a.level->read(static_cast<double>(share(a.read_words, t)), now), a.level->index());
      track(a.level->write(static_cast<double>(share(a.write_words, t)), now), a.level->index());
    }
    const int64_t end = std::max(compute_end, whole_cycle_at_or_after(latest));
    if (end > compute_end) stall_cycles_[latest_level] += end - compute_end;
    wait_until_cycle(end);
    last_step_end_cycle_ = end;
    progress_.done_through_step = t;
    progress_.done.notify();
  }
}

}  // namespace orrery::arch::loopnest::sc
