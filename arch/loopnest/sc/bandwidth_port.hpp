#pragma once
// One port of a storage level (read, write or shared) moving `words_per_cycle` words per cycle
// per instance: transfers are served one after another, so a transfer that finds the port busy
// waits (the stall emerges from the queueing). The port keeps its fractional occupancy, so that
// many small transfers cost words / rate in total, not a rounded-up cycle each; the SystemC
// processes wait for the first whole cycle at or after a transfer's completion.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace orrery::arch::loopnest::sc {

class BandwidthPort {
 public:
  // 0 = unbounded: every transfer completes at once.
  explicit BandwidthPort(double words_per_cycle = 0.0) : words_per_cycle_(words_per_cycle) {}

  // Books `words` starting no earlier than `now_cycles`; returns the cycle (fractional) at which
  // the last word has moved.
  double reserve(double words, double now_cycles) {
    if (words <= 0 || words_per_cycle_ <= 0) return now_cycles;
    const double start = std::max(now_cycles, free_at_cycles_);
    free_at_cycles_ = start + words / words_per_cycle_;
    busy_cycles_ += words / words_per_cycle_;
    return free_at_cycles_;
  }

  double busy_cycles() const { return busy_cycles_; }

 private:
  double words_per_cycle_;
  double free_at_cycles_ = 0.0;
  double busy_cycles_ = 0.0;
};

// The first whole cycle at or after `t` (a tolerance absorbs the rounding of sums of
// words / rate for rates that are not powers of two).
inline int64_t whole_cycle_at_or_after(double t) { return static_cast<int64_t>(std::ceil(t - 1e-6)); }

}  // namespace orrery::arch::loopnest::sc
