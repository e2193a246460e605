#pragma once
// The DRAM channel: a TLM-2.0 target with a read port and a write port sharing one pipelined
// channel (blocking transport, loosely timed). b_transport does not wait: it books the transfer
// on the channel and annotates the delay until its data is delivered, rounded up to the next
// array clock edge:
//   start = max(request time, when the channel frees up);  channel busy for bytes / bandwidth;
//   delivered = start + bytes / bandwidth + latency
// Requests are booked in the order the initiators make them, so contention between the read
// (prefetch) and write-back engines emerges from their interleaving. While `ideal` (the array
// layers of SCALE-Sim's CALC mode) it delivers at once. Counts the bytes moved each way.
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <tlm>

namespace orrery::arch::systolic::sc {

class DramChannel : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DramChannel> read_port;
  tlm_utils::simple_target_socket<DramChannel> write_port;

  DramChannel(sc_core::sc_module_name name, double bandwidth_bytes_per_cycle, int64_t latency_cycles);
  void set_ideal(bool ideal) { ideal_ = ideal; }

  int64_t read_bytes() const { return read_bytes_; }
  int64_t write_bytes() const { return write_bytes_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  double bandwidth_;
  double latency_;
  bool ideal_ = false;
  double free_ = 0;  // cycle when the channel can start the next transfer
  int64_t read_bytes_ = 0, write_bytes_ = 0;
};

}  // namespace orrery::arch::systolic::sc
