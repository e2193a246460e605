#pragma once
// What the SystemC controller hands its units for one layer: the folds in order (fold_work.hpp)
// with their SCALE-Sim cycles, or a memory pass.
#include <optional>
#include <vector>

#include "arch/systolic/fold_work.hpp"

namespace orrery::arch::systolic::sc {

struct PlannedFold {
  FoldWork work;
  int64_t scalesim_cycles = 0;  // SCALE-Sim's cycles per fold for this fold's GEMM
};

struct LayerPlan {
  std::vector<PlannedFold> folds;
  std::optional<mappers::systolic::MemoryPass> memory;
};

inline LayerPlan make_plan(const mappers::systolic::SystolicMapping& m, const SystolicSpec& s) {
  LayerPlan plan;
  plan.memory = m.memory;
  for (const auto& pass : m.gemms) {
    const int64_t cpf = scalesim_cycles_per_fold(m.dataflow, pass.dims, s.rows, s.cols);
    for (int64_t i = 0; i < pass.count; ++i)
      for (int64_t f = 0; f < pass.grid.count(); ++f)
        plan.folds.push_back({fold_work(pass, m.dataflow, s, f), cpf});
  }
  return plan;
}

}  // namespace orrery::arch::systolic::sc
