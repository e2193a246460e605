#pragma once
// A shared resource that serves requests one after another at a fixed rate (an L2 slice, an
// HBM channel, one SM's tensor cores): a request waits for the requests before it, then for
// its own service time, then for the resource's latency. Contention emerges from the queueing.
#include <algorithm>
#include <string>
#include <systemc>

namespace orrery::arch::gpu::sc {

class BandwidthQueue : public sc_core::sc_module {
 public:
  // rate: units per second (bytes/s, FLOP/s); latency added to every request's completion.
  BandwidthQueue(sc_core::sc_module_name name, double rate_per_s, double latency_s)
      : sc_core::sc_module(name), rate_per_s_(rate_per_s), latency_s_(latency_s) {}

  // Blocks the calling SC_THREAD until `amount` units have been served.
  void serve(double amount) {
    if (amount <= 0) return;
    const double now = sc_core::sc_time_stamp().to_seconds();
    const double start = std::max(now, next_free_s_);
    next_free_s_ = start + amount / rate_per_s_;
    waited_s_ += start - now;
    served_ += amount;
    sc_core::wait(sc_core::sc_time(next_free_s_ + latency_s_ - now, sc_core::SC_SEC));
  }
  // Books `amount` units without blocking; returns the time (s) the request completes, latency
  // included. Callers striping one request over several queues wait for the latest of them.
  double reserve(double amount) {
    const double now = sc_core::sc_time_stamp().to_seconds();
    if (amount <= 0) return now;
    const double start = std::max(now, next_free_s_);
    next_free_s_ = start + amount / rate_per_s_;
    waited_s_ += start - now;
    served_ += amount;
    return next_free_s_ + latency_s_;
  }
  // Same, for a request given as a service time (seconds of the resource).
  void occupy(double seconds) { serve(seconds * rate_per_s_); }

  double waited_s() const { return waited_s_; }  // queueing delay summed over requests
  double served() const { return served_; }

 private:
  double rate_per_s_, latency_s_;
  double next_free_s_ = 0, waited_s_ = 0, served_ = 0;
};

}  // namespace orrery::arch::gpu::sc
