// timing: scalesim. Compute cycles as SCALE-Sim v2 counts them in CALC mode: every fold costs the
// full-array cycles per fold, folds never overlap, and a layer is folds x cycles-per-fold - 1
// (reference/systolic.md). For a layer of several GEMMs (conv groups, batches, attention's two
// GEMMs) the folds of all of them form the one sequence, with the -1 once per layer. DRAM keeps
// up by assumption (no stalls); the traffic reported is orrery's (fold_work.hpp), not
// SCALE-Sim's over-counted one.
#include "arch/systolic/fold_work.hpp"
#include "arch/systolic/layer_timing.hpp"

namespace orrery::arch::systolic {

LayerCounts time_scalesim(const mappers::systolic::SystolicMapping& m, const SystolicSpec& s) {
  if (m.memory) return time_memory_pass(*m.memory, s);
  LayerCounts c;
  for (const auto& p : m.gemms)
    c.cycles += p.count * scalesim_fold_cycles(m.dataflow, p.dims, s.rows, s.cols);
  c.cycles -= 1;
  c.compute_cycles = c.cycles;
  for_each_fold(m, s, [&](const FoldWork& w) {
    c.dram_read_bytes += w.dram_read_bytes;
    c.dram_write_bytes += w.dram_write_bytes;
    c.sram_read_bytes += w.sram_read_bytes;
    c.sram_write_bytes += w.sram_write_bytes;
  });
  return c;
}

}  // namespace orrery::arch::systolic
