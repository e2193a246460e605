#pragma once
// The analytical model of the DRAM channel: one pipelined channel shared by reads and writes,
// served in the order requests are made. A request of b bytes made at time t occupies the
// channel for b / bandwidth cycles from max(t, when the channel frees up); its data is there
// `latency` cycles after its last byte left the channel. Back-to-back requests therefore pay
// the latency once per stream (it overlaps the next transfer), a request to an idle channel
// pays it again. Times are in cycles, fractional. (The SystemC DRAM target implements the same
// rule in its own b_transport.)
#include <algorithm>
#include <cstdint>

namespace orrery::arch::systolic {

class DramQueue {
 public:
  DramQueue(double bandwidth_bytes_per_cycle, double latency_cycles)
      : bandwidth_(bandwidth_bytes_per_cycle), latency_(latency_cycles) {}

  // Returns when the data of a request made at `issue` is delivered.
  double serve(double issue, int64_t bytes) {
    if (bytes <= 0) return issue;
    const double start = std::max(issue, free_);
    free_ = start + static_cast<double>(bytes) / bandwidth_;
    return free_ + latency_;
  }

 private:
  double bandwidth_, latency_;
  double free_ = 0;
};

}  // namespace orrery::arch::systolic
