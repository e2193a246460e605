#pragma once
// Time in the systolic SystemC model: one array clock cycle is 1 ns of simulated time (an
// internal convention; reports convert cycles to seconds with the configured clock). Every
// event lands on a whole cycle; fractional DRAM timing stays inside the DRAM channel.
#include <cmath>
#include <cstdint>
#include <systemc>

namespace orrery::arch::systolic::sc {

inline sc_core::sc_time cycles(int64_t n) { return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS); }
inline int64_t to_cycles(const sc_core::sc_time& t) {
  return static_cast<int64_t>(std::llround(t / sc_core::sc_time(1, sc_core::SC_NS)));
}
inline int64_t now_cycles() { return to_cycles(sc_core::sc_time_stamp()); }
inline void wait_until(int64_t cycle) {
  const int64_t now = now_cycles();
  if (cycle > now) sc_core::wait(cycles(cycle - now));
}

}  // namespace orrery::arch::systolic::sc
