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
    // fold's 24 + 8 + 8 − 2 = 238; os 8 intervals of max(K, r) = 24, then 24 + 14 + drain 8 =
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
    EXPECT_EQ(kFlows[d] == Dataflow::os ? b2b.last_mac : b2b.last_out, kFlows[d] == Dataflow::os ? 55 : 71);
  }
}

// Edge folds (nothing divides), 4×6 array, M = 13, N = 11, K = 9, pipelined. On the registers the
// results of a fold that uses r < R rows still cross all R rows to the bottom edge: ws/is partial
// sums pass the R - r unused rows below the tile; in os the tile sits in the bottom r rows (so it
// drains in r cycles) and the B operands cross the R - r rows above it. fold_timing.hpp's skew
// R + c - 2 models exactly this, so the totals must be equal. By hand (s = stream start of the
// last fold, which is also the last to finish here):
//   ws: r = 4,4,1 × c = 6,5, T = M = 13; s = 4 + 5·13 = 69; last MAC 69+13+1+5-3 = 85,
//       last output 69+13+4+5-3 = 88: 89 cycles; exact 4 + 65 + 13 + (4+5-2) = 89.
//   os: r = 4,4,4,1 × c = 6,5 (row folds outer), T = K = 9; s = 7·9 = 63; last output
//       63+9+4+1+5-3 = 79: 80 cycles; exact 63 + 9 + (4+5-2) + 1 = 80.
//   is: r = 4,4,1 × c = 6,6,1, T = N = 11; s = 4 + 8·11 = 92; last MAC 92+11+1+1-3 = 102,
//       last output 92+11+4+1-3 = 105: 106 cycles; exact 4 + 88 + 11 + (4+1-2) = 106.
TEST(SystolicPeFoldTiming, EdgeFolds4x6) {
  const int R = 4, C = 6;
  const GemmDims g{13, 11, 9};
  const Runs runs = run_both(R, C, g);
  const int64_t want_total[] = {89, 80, 106};  // ws, os, is
  for (size_t d = 0; d < 3; ++d) {
    const Dataflow df = kFlows[d];
    SCOPED_TRACE(to_string(df));
    const CycleReport& c = runs.pipelined[d].cycles;
    const int64_t exact = exact_compute_cycles(df, g, R, C);
    EXPECT_EQ(c.total_cycles(), want_total[d]);
    EXPECT_EQ(c.total_cycles(), exact);  // fold_timing.hpp's skew R + c - 2 is this crossing
    if (df != Dataflow::os) {
      EXPECT_EQ(c.last_mac + 1, exact - (R - 1));  // the last fold uses r = 1 row
    }
  }
}

}  // namespace
}  // namespace orrery::arch::systolic::pe
