#include "arch/systolic/sc/run_cycle.hpp"

#include "arch/isolated_run.hpp"
#include "arch/systolic/sc/controller.hpp"
#include "common/error.hpp"

namespace orrery::arch::systolic {

std::vector<LayerCounts> run_cycle(const std::vector<mappers::systolic::SystolicMapping>& mappings,
                                   const SystolicSpec& spec) {
  struct NoSummary {};
  auto r = run_isolated<NoSummary, LayerCounts>("systolic cycle model", [&] {
    sc::Controller top("systolic", mappings, spec);
    sc_core::sc_start();
    if (top.results().size() != mappings.size())
      throw SimulationError("the controller stopped before the last layer");
    return IsolatedResult<NoSummary, LayerCounts>{{}, top.results()};
  });
  if (r.rows.size() != mappings.size())
    throw SimulationError("systolic cycle model: the child returned counts for the wrong number of layers");
  return r.rows;
}

}  // namespace orrery::arch::systolic
