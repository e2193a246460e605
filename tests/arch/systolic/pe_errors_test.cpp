// PE-level systolic model: what it refuses, and its self-check of every output against the plan.
#include <gtest/gtest.h>

#include "arch/systolic/pe/gemm_runner.hpp"
#include "arch/systolic/pe/system.hpp"
#include "common/error.hpp"

namespace orrery::arch::systolic::pe {
namespace {

TEST(SystolicPeErrors, ArrayLargerThan32Refused) {
  EXPECT_THROW((PeSystem<int8_t, int32_t>("pe", 33, 8)), UsageError);
}

// An output with no slot in the plan (here: the plan forgets the last result of column 1) stops
// the run with SimulationError; run() cannot be called twice (one elaboration per process).
TEST(SystolicPeErrors, OutputNotInPlanAndSecondRun) {
  PeSystem<int8_t, int32_t> sys("pe", 2, 2);
  auto plan = make_gemm_plan<int8_t>(Mat<int8_t>::Constant(2, 2, 1), Mat<int8_t>::Constant(2, 2, 1),
                                     sys.dims(), Dataflow::ws, FoldSchedule::pipelined);
  plan.outputs[1].pop_back();
  std::vector<Plan<int8_t>> plans;
  plans.push_back(std::move(plan));
  EXPECT_THROW(sys.run(std::move(plans)), SimulationError);
  EXPECT_THROW(sys.run({}), SimulationError);
}

}  // namespace
}  // namespace orrery::arch::systolic::pe
