#pragma once
// The controller walks the whole graph, one layer after another (a layer starts when the
// previous one's last output has reached DRAM). For each layer it spawns the read engine, the
// array and the write engine on the layer's plan, waits for all three, and records the layer's
// cycles, compute cycles and bytes. Everything lives in one elaboration.
#include <systemc>
#include <vector>

#include "arch/systolic/layer_timing.hpp"
#include "arch/systolic/sc/array_module.hpp"
#include "arch/systolic/sc/dma_engines.hpp"
#include "arch/systolic/sc/dram_channel.hpp"
#include "arch/systolic/sc/layer_plan.hpp"
#include "arch/systolic/sc/sram_buffers.hpp"

namespace orrery::arch::systolic::sc {

class Controller : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Controller);
  Controller(sc_core::sc_module_name name, const std::vector<mappers::systolic::SystolicMapping>& mappings,
             const SystolicSpec& spec);

  const std::vector<LayerCounts>& results() const { return results_; }

 private:
  void run();

  const std::vector<mappers::systolic::SystolicMapping>& mappings_;
  const SystolicSpec& spec_;
  DramChannel dram_;
  SramBuffers buffers_;
  WriteEngine writes_;
  ReadEngine reads_;
  ArrayModule array_;
  std::vector<LayerCounts> results_;
};

}  // namespace orrery::arch::systolic::sc
