// The PE-level registers against the fold formulas of the other fidelities
// (arch/systolic/fold_timing.hpp, derived there independently): SCALE-Sim's per-fold and layer
// counts with folds back to back, and the exact (pipelined) count.
#include <gtest/gtest.h>

#include <random>

#include "arch/systolic/fold_timing.hpp"
#include "arch/systolic/pe/system.hpp"
#include "tests/arch/systolic/pe_test_support.hpp"

namespace orrery::arch::systolic::pe {
namespace {

constexpr Dataflow kFlows[] = {Dataflow::ws, Dataflow::os, Dataflow::is};

struct Runs {
  std::vector<JobResult<int32_t>> back_to_back, pipelined;  // by kFlows
};

Runs run_both(int rows, int cols, const GemmDims& g) {
  std::mt19937 rng(5);
  PeSystem<int8_t, int32_t> sys("pe", rows, cols);
  const Mat<int8_t> a = test::random_int8(g.m, g.k, rng), b = test::random_int8(g.k, g.n, rng);
  std::vector<Plan<int8_t>> plans;
  for (FoldSchedule s : {FoldSchedule::back_to_back, FoldSchedule::pipelined})
    for (Dataflow df : kFlows) plans.push_back(make_gemm_plan<int8_t>(a, b, sys.dims(), df, s));
  auto all = sys.run(std::move(plans));
  const Mat<int32_t> ref = a.cast<int32_t>() * b.cast<int32_t>();
  for (const auto& r : all) EXPECT_EQ(r.result, ref);
  Runs out;
  out.back_to_back.assign(all.begin(), all.begin() + 3);
  out.pipelined.assign(all.begin() + 3, all.end());
  return out;
}

// 8×8 array, M = N = K = 24: 3 × 3 = 9 full folds in every dataflow.
TEST(SystolicPeFoldTiming, FullFolds8x8) {
  const int R = 8, C = 8;
  const GemmDims g{24, 24, 24};
  const Runs runs = run_both(R, C, g);
  for (size_t d = 0; d < 3; ++d) {
    const Dataflow df = kFlows[d];
    SCOPED_TRACE(to_string(df));
    const CycleReport& b2b = runs.back_to_back[d].cycles;
    ASSERT_EQ(b2b.fold_first_in.size(), 9u);
    // Per fold, by hand: ws/is 2R + C + T − 2 = 16 + 8 + 24 − 2 = 46 from the first load word
    // to the last output; os K + R + C − 2 = 38 from the first operand to the last MAC, and
    // 38 + R = 46 to the last drained output.
    const int64_t per_fold = scalesim_cycles_per_fold(df, g, R, C);
    EXPECT_EQ(per_fold, df == Dataflow::os ? 38 : 46);
    for (size_t f = 0; f < 9; ++f) {
      if (df == Dataflow::os) {
        EXPECT_EQ(b2b.fold_compute_cycles(f), per_fold);
        EXPECT_EQ(b2b.fold_cycles(f), per_fold + R);
      } else {
        EXPECT_EQ(b2b.fold_cycles(f), per_fold);
      }
    }
    // Layer: SCALE-Sim's folds × per-fold − 1 (9·46 − 1 = 413; os 9·38 − 1 = 341) is the cycle
    // number of the last output (ws/is) or of the last MAC (os), counting the first word's
    // cycle as 0; the true count is one more, and os drains R = 8 cycles after it.
    const int64_t scalesim = scalesim_compute_cycles(df, g, R, C);
    EXPECT_EQ(scalesim, df == Dataflow::os ? 341 : 413);
    if (df == Dataflow::os) {
      EXPECT_EQ(b2b.last_mac, scalesim);
      EXPECT_EQ(b2b.last_out, scalesim + R);
    } else {
      EXPECT_EQ(b2b.last_out, scalesim);
    }
    // Pipelined, by hand: ws/is 8 (first load) + 8 intervals of max(M, R) = 24 + the last
    // fold's 24 + 8 + 8 − 2 = 238; os 8 intervals of max(K, R) = 24, then 24 + 14 + drain 8 =
    // 238. fold_timing.hpp's exact_compute_cycles gives the same.
    EXPECT_EQ(runs.pipelined[d].cycles.total_cycles(), 238);
    EXPECT_EQ(runs.pipelined[d].cycles.total_cycles(), exact_compute_cycles(df, g, R, C));
  }
}

// fold_timing.hpp's worked example: 4×4 array, M = N = K = 8: exact 42 in every dataflow,
// SCALE-Sim 71 (ws, is) and 55 (os).
TEST(SystolicPeFoldTiming, WorkedExample4x4) {
  const GemmDims g{8, 8, 8};
  const Runs runs = run_both(4, 4, g);
  for (size_t d = 0; d < 3; ++d) {
    SCOPED_TRACE(to_string(kFlows[d]));
    EXPECT_EQ(runs.pipelined[d].cycles.total_cycles(), 42);
    const auto& b2b = runs.back_to_back[d].cycles;
    EXPECT_EQ(kFlows[d] == Dataflow::os ? b2b.last_mac : b2b.last_out,
              kFlows[d] == Dataflow::os ? 55 : 71);
  }
}

// Edge folds (nothing divides), 4×6 array, M = 13, N = 11, K = 9. The registers and
// fold_timing.hpp agree on when every MAC happens; they differ on how results leave a fold that
// uses r < R rows: fold_timing lets them leave from row r − 1, the registers pass them through
// the R − r unused rows below (ws/is: R − r more cycles for the partial sums; os: the drained
// results pass 2 registers per row, 2(R − r) more). Asserted here as: exact = the last MAC + 1
// (ws/is), and max over folds of (last MAC + 1 + r_f) (os, fold_timing's drain of r_f).
TEST(SystolicPeFoldTiming, EdgeFolds4x6) {
  const int R = 4, C = 6;
  const GemmDims g{13, 11, 9};
  const Runs runs = run_both(R, C, g);
  for (size_t d = 0; d < 3; ++d) {
    const Dataflow df = kFlows[d];
    SCOPED_TRACE(to_string(df));
    const CycleReport& c = runs.pipelined[d].cycles;
    const int64_t exact = exact_compute_cycles(df, g, R, C);
    if (df != Dataflow::os) {
      EXPECT_EQ(c.last_mac + 1, exact);
    } else {
      const FoldGrid grid = fold_grid(df, g, R, C);
      int64_t end = 0;
      for (int64_t f = 0; f < grid.count(); ++f) {
        const int64_t r = rows_used(grid, R, fold_at(df, grid, f).row_fold);
        end = std::max(end, c.fold_last_mac[static_cast<size_t>(f)] + 1 + r);
      }
      EXPECT_EQ(end, exact);
    }
  }
}

}  // namespace
}  // namespace orrery::arch::systolic::pe
