#include "arch/systolic/sc/array_module.hpp"

#include <algorithm>

#include "arch/systolic/sc/sim_time.hpp"

namespace orrery::arch::systolic::sc {

ArrayModule::ArrayModule(sc_core::sc_module_name name, SramBuffers& buffers, WriteEngine& writes,
                         bool scalesim)
    : sc_module(name), buffers_(buffers), writes_(writes), scalesim_(scalesim) {}

ArrayLayerResult ArrayModule::run_layer(const LayerPlan& plan) {
  const int64_t t0 = now_cycles();
  ArrayLayerResult r{t0, 0};
  int64_t start = t0, ideal_start = 0;
  FoldPhases prev;
  for (int64_t f = 0; f < static_cast<int64_t>(plan.folds.size()); ++f) {
    const PlannedFold& fold = plan.folds[f];
    const FoldPhases& ph = fold.work.phases;
    const int64_t ready = buffers_.wait_filled(f);
    int64_t end = 0;
    if (scalesim_) {  // no overlap, full-array cost per fold, memory ideal
      start = f == 0 ? t0 : start;
      end = start + fold.scalesim_cycles;
      r.compute_cycles += fold.scalesim_cycles;
    } else {
      const int64_t earliest = ready + ph.preload;
      if (f == 0) {
        start = earliest;
        ideal_start = ph.preload;
      } else {
        const int64_t interval = fold_interval(prev, ph);
        start = std::max(start + interval, earliest);
        ideal_start += interval;
      }
      end = start + ph.tail();
      r.compute_cycles = std::max(r.compute_cycles, ideal_start + ph.tail());
    }
    wait_until(start);
    buffers_.release(f, start + ph.stream);
    buffers_.count(fold.work.sram_read_bytes, fold.work.sram_write_bytes);
    writes_.post({end, fold.work.dram_write_bytes});
    r.end_cycle = std::max(r.end_cycle, end);
    if (scalesim_) start = end;
    prev = ph;
  }
  return r;
}

}  // namespace orrery::arch::systolic::sc
