#include "arch/systolic/sc/dram_channel.hpp"

#include <algorithm>

#include "arch/systolic/layer_timing.hpp"
#include "arch/systolic/sc/sim_time.hpp"

namespace orrery::arch::systolic::sc {

DramChannel::DramChannel(sc_core::sc_module_name name, double bandwidth, int64_t latency)
    : sc_module(name),
      read_port("read_port"),
      write_port("write_port"),
      bandwidth_(bandwidth),
      latency_(static_cast<double>(latency)) {
  read_port.register_b_transport(this, &DramChannel::b_transport);
  write_port.register_b_transport(this, &DramChannel::b_transport);
}

void DramChannel::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const int64_t bytes = trans.get_data_length();
  (trans.is_read() ? read_bytes_ : write_bytes_) += bytes;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  if (ideal_ || bytes == 0) return;
  const double issue = static_cast<double>(to_cycles(sc_core::sc_time_stamp() + delay));
  const double start = std::max(issue, free_);
  free_ = start + static_cast<double>(bytes) / bandwidth_;
  delay = cycles(clock_edge(free_ + latency_)) - sc_core::sc_time_stamp();
}

}  // namespace orrery::arch::systolic::sc
