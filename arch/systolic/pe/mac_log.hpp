#pragma once
// Instrumentation shared by the PEs of one array: when each fold's last MAC happened and how
// many MACs ran. Owned by the array (never global); the SystemC kernel runs processes one at a
// time, so the PEs update it without locking.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace orrery::arch::systolic::pe {

struct MacLog {
  std::vector<int64_t> last_mac_cycle;  // by global fold id; -1: no MAC yet
  std::vector<int64_t> macs;            // by global fold id

  void record(int32_t fold, int64_t cycle) {
    const auto f = static_cast<size_t>(fold);
    if (f >= last_mac_cycle.size()) {
      last_mac_cycle.resize(f + 1, -1);
      macs.resize(f + 1, 0);
    }
    last_mac_cycle[f] = std::max(last_mac_cycle[f], cycle);
    ++macs[f];
  }
};

}  // namespace orrery::arch::systolic::pe
