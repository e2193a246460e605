#pragma once
// The PE array at fold granularity. Each fold waits for its operands in its buffer half, then
// follows the pipelining rules of fold_timing.hpp: its preload needs the data, its stream starts
// no earlier than one fold interval after the previous stream start. The half is released when
// the stream has left it, and the fold's outputs go to the write engine when it is done.
// Under timing: scalesim folds run back to back at SCALE-Sim's cycles per fold, no overlap.
#include <systemc>

#include "arch/systolic/sc/dma_engines.hpp"
#include "arch/systolic/sc/layer_plan.hpp"
#include "arch/systolic/sc/sram_buffers.hpp"

namespace orrery::arch::systolic::sc {

struct ArrayLayerResult {
  int64_t end_cycle = 0;       // the last fold is done
  int64_t compute_cycles = 0;  // the same folds had memory always kept up
};

class ArrayModule : public sc_core::sc_module {
 public:
  ArrayModule(sc_core::sc_module_name name, SramBuffers& buffers, WriteEngine& writes, bool scalesim);
  ArrayLayerResult run_layer(const LayerPlan& plan);  // from a process spawned per layer

 private:
  SramBuffers& buffers_;
  WriteEngine& writes_;
  bool scalesim_;
};

}  // namespace orrery::arch::systolic::sc
