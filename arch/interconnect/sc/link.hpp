#pragma once
// One direction of a physical link as a module: its bandwidth is shared equally by the messages
// crossing it at the same moment; it counts the bytes it carried and the time it was busy.
#include <systemc>

#include "arch/interconnect/spec.hpp"

namespace orrery::arch::interconnect::sc {

class LinkModule : public sc_core::sc_module {
 public:
  LinkModule(const sc_core::sc_module_name& name, const LinkSpec& spec)
      : sc_core::sc_module(name), spec_(spec) {}

  const LinkSpec& spec() const { return spec_; }
  int active() const { return active_; }
  // The rate each of the messages now on the link gets.
  double share() const { return active_ > 0 ? spec_.bytes_per_s / active_ : spec_.bytes_per_s; }
  void enter() { ++active_; }
  void leave() { --active_; }
  void carried(double bytes, double busy_s) {
    bytes_ += bytes;
    busy_s_ += busy_s;
  }
  double bytes() const { return bytes_; }
  double busy_s() const { return busy_s_; }

 private:
  LinkSpec spec_;
  int active_ = 0;
  double bytes_ = 0, busy_s_ = 0;
};

}  // namespace orrery::arch::interconnect::sc
