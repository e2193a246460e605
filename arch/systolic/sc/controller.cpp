#include "arch/systolic/sc/controller.hpp"

#include <algorithm>

#include "arch/systolic/sc/sim_time.hpp"

namespace orrery::arch::systolic::sc {

Controller::Controller(sc_core::sc_module_name name,
                       const std::vector<mappers::systolic::SystolicMapping>& mappings,
                       const SystolicSpec& spec)
    : sc_module(name),
      mappings_(mappings),
      spec_(spec),
      dram_("dram", spec.dram_bandwidth_bytes_per_cycle, spec.dram_latency_cycles),
      buffers_("buffers", spec.double_buffered ? 2 : 1),
      writes_("write_engine"),
      reads_("read_engine", buffers_),
      array_("array", buffers_, writes_, spec.timing == Timing::scalesim) {
  reads_.socket.bind(dram_.read_port);
  writes_.socket.bind(dram_.write_port);
  SC_THREAD(run);
}

void Controller::run() {
  results_.reserve(mappings_.size());
  for (const auto& mapping : mappings_) {
    const LayerPlan plan = make_plan(mapping, spec_);
    const int64_t t0 = now_cycles();
    const int64_t dram_read0 = dram_.read_bytes(), dram_write0 = dram_.write_bytes();
    const int64_t sram_read0 = buffers_.read_bytes(), sram_write0 = buffers_.write_bytes();
    buffers_.reset();
    dram_.set_ideal(spec_.timing == Timing::scalesim && !plan.memory);  // CALC mode: DRAM keeps up
    int64_t read_done = t0, write_done = t0;
    ArrayLayerResult array{t0, 0};
    auto read_proc = sc_core::sc_spawn([&] { read_done = reads_.run_layer(plan); });
    auto array_proc = sc_core::sc_spawn([&] { array = array_.run_layer(plan); });
    auto write_proc = sc_core::sc_spawn([&] {
      if (plan.memory) {
        write_done = transfer(writes_.socket, tlm::TLM_WRITE_COMMAND, plan.memory->write_bytes);
      } else {
        write_done = writes_.run_layer(static_cast<int64_t>(plan.folds.size()));
      }
    });
    sc_core::wait(read_proc.terminated_event() & array_proc.terminated_event() &
                  write_proc.terminated_event());
    const int64_t end = std::max({array.end_cycle, write_done, plan.memory ? read_done : t0});
    wait_until(end);
    LayerCounts c;
    c.cycles = end - t0;
    c.compute_cycles = array.compute_cycles;
    if (spec_.timing == Timing::scalesim && !plan.memory) {  // SCALE-Sim's -1 per layer
      c.cycles -= 1;
      c.compute_cycles -= 1;
    }
    c.dram_read_bytes = dram_.read_bytes() - dram_read0;
    c.dram_write_bytes = dram_.write_bytes() - dram_write0;
    c.sram_read_bytes = buffers_.read_bytes() - sram_read0;
    c.sram_write_bytes = buffers_.write_bytes() - sram_write0;
    results_.push_back(c);
  }
}

}  // namespace orrery::arch::systolic::sc
