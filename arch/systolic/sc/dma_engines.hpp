#pragma once
// The two DMA engines between DRAM and the buffers, TLM-2.0 initiators on the DRAM channel.
//  ReadEngine: for each fold in order, waits until the fold's buffer half is free, then requests
//    its operands; it does not wait for delivery (the next half may already be free), it tells
//    the buffers when the data will be there.
//  WriteEngine: takes finished folds from the array in order, waits until each is done, then
//    posts its outputs; the layer ends when the last write is delivered.
// Transfers longer than 1 GiB go as back-to-back chunks (TLM lengths are 32-bit).
#include <tlm_utils/simple_initiator_socket.h>

#include <deque>
#include <tlm>

#include "arch/systolic/sc/layer_plan.hpp"
#include "arch/systolic/sc/sram_buffers.hpp"

namespace orrery::arch::systolic::sc {

// Sends `bytes` through `socket` now; returns the cycle the last byte is delivered.
int64_t transfer(tlm_utils::simple_initiator_socket<sc_core::sc_module>& socket, tlm::tlm_command cmd,
                 int64_t bytes);

struct WriteJob {
  int64_t done_cycle = 0;  // the fold finishes; its outputs may leave
  int64_t bytes = 0;
};

class ReadEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<sc_core::sc_module> socket;
  ReadEngine(sc_core::sc_module_name name, SramBuffers& buffers);
  // Runs one layer (called from the controller's thread); returns the last delivery cycle.
  int64_t run_layer(const LayerPlan& plan);

 private:
  SramBuffers& buffers_;
};

class WriteEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<sc_core::sc_module> socket;
  explicit WriteEngine(sc_core::sc_module_name name);
  void post(const WriteJob& job);  // from the array, in fold order
  // Drains `jobs` write jobs of one layer; returns the cycle the last one is delivered.
  int64_t run_layer(int64_t jobs);

 private:
  std::deque<WriteJob> queue_;
  sc_core::sc_event posted_;
};

}  // namespace orrery::arch::systolic::sc
