#include "arch/loopnest/sc/run_cycle.hpp"

#include <variant>

#include "arch/isolated_run.hpp"
#include "arch/loopnest/model.hpp"
#include "arch/loopnest/sc/loopnest_system.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

LoopNestScResult run_loopnest_sc(const LoopNestSpec& spec, const Problem& problem, const Mapping& mapping,
                                 const LoopNestScOptions& options) {
  const LoopNestModel model(spec, problem);
  const auto evaluated = model.evaluate(mapping);
  if (const auto* why = std::get_if<Infeasible>(&evaluated))
    throw MappingError("loop-nest cycle model: infeasible mapping: " + why->reason);
  const LoopNestStats& analytical = std::get<LoopNestStats>(evaluated);
  const sc::TileSchedule schedule(model.spec(), model.problem(), mapping, options.max_tile_steps);
  auto r = run_isolated<LoopNestScSummary, LoopNestScRow>("loop-nest cycle model", [&] {
    sc::LoopNestSystem top("loopnest", model.spec(), model.problem(), mapping, analytical, schedule);
    sc_core::sc_start();
    LoopNestScResult res = top.result();
    return IsolatedResult<LoopNestScSummary, LoopNestScRow>{res.summary, std::move(res.rows)};
  });
  return LoopNestScResult{r.summary, std::move(r.rows)};
}

}  // namespace orrery::arch::loopnest
