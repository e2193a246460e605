#include "arch/systolic/sc/dma_engines.hpp"

#include <algorithm>

#include "arch/systolic/sc/sim_time.hpp"

namespace orrery::arch::systolic::sc {

int64_t transfer(tlm_utils::simple_initiator_socket<sc_core::sc_module>& socket, tlm::tlm_command cmd,
                 int64_t bytes) {
  constexpr int64_t kChunk = int64_t{1} << 30;
  unsigned char dummy = 0;  // the model moves no data, only its timing
  int64_t delivered = now_cycles();
  for (int64_t left = bytes; left > 0; left -= kChunk) {
    tlm::tlm_generic_payload trans;
    trans.set_command(cmd);
    trans.set_address(0);
    trans.set_data_ptr(&dummy);
    trans.set_data_length(static_cast<unsigned>(std::min(left, kChunk)));
    trans.set_streaming_width(trans.get_data_length());
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(trans, delay);
    delivered = std::max(delivered, to_cycles(sc_core::sc_time_stamp() + delay));
  }
  return delivered;
}

ReadEngine::ReadEngine(sc_core::sc_module_name name, SramBuffers& buffers)
    : sc_module(name), socket("socket"), buffers_(buffers) {}

int64_t ReadEngine::run_layer(const LayerPlan& plan) {
  if (plan.memory) return transfer(socket, tlm::TLM_READ_COMMAND, plan.memory->read_bytes);
  int64_t last = now_cycles();
  for (int64_t f = 0; f < static_cast<int64_t>(plan.folds.size()); ++f) {
    wait_until(buffers_.wait_free_for(f));
    last = transfer(socket, tlm::TLM_READ_COMMAND, plan.folds[f].work.dram_read_bytes);
    buffers_.fill(f, last);
  }
  return last;
}

WriteEngine::WriteEngine(sc_core::sc_module_name name) : sc_module(name), socket("socket") {}

void WriteEngine::post(const WriteJob& job) {
  queue_.push_back(job);
  posted_.notify(sc_core::SC_ZERO_TIME);
}

int64_t WriteEngine::run_layer(int64_t jobs) {
  int64_t last = now_cycles();
  for (int64_t i = 0; i < jobs; ++i) {
    while (queue_.empty()) sc_core::wait(posted_);
    const WriteJob job = queue_.front();
    queue_.pop_front();
    wait_until(job.done_cycle);
    last = std::max(last, transfer(socket, tlm::TLM_WRITE_COMMAND, job.bytes));
  }
  return last;
}

}  // namespace orrery::arch::systolic::sc
