#pragma once
// Time in the loop-nest SystemC model: one cycle of the accelerator is 1 ns of simulated time
// (an internal convention; the result converts cycles to seconds with the spec's clock). Every
// process waits to whole cycles; fractional port occupancy stays inside BandwidthPort.
#include <cmath>
#include <cstdint>
#include <systemc>

namespace orrery::arch::loopnest::sc {

inline int64_t now_cycles() {
  return static_cast<int64_t>(std::llround(sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_NS)));
}
inline void wait_until_cycle(int64_t cycle) {
  const int64_t now = now_cycles();
  if (cycle > now) sc_core::wait(sc_core::sc_time(static_cast<double>(cycle - now), sc_core::SC_NS));
}

}  // namespace orrery::arch::loopnest::sc
