// Fold formulas on small arrays, every number worked out by hand in the comments
// (the pipelining model is derived in arch/systolic/fold_timing.hpp).
#include "arch/systolic/fold_timing.hpp"

#include <gtest/gtest.h>

#include "tests/arch/systolic/systolic_test_support.hpp"

namespace {

using orrery::arch::systolic::Dataflow;
using orrery::arch::systolic::exact_compute_cycles;
using orrery::arch::systolic::fold_grid;
using orrery::arch::systolic::GemmDims;
using orrery::arch::systolic::scalesim_compute_cycles;

// 4x4 array, M = N = K = 8: 2 x 2 = 4 full folds in every dataflow.
//   SCALE-Sim: os 4 x (K + R + C - 2 = 14) - 1 = 55; ws 4 x (2R + C + M - 2 = 18) - 1 = 71; is likewise 71.
//   exact: ws s = 4, 12, 20, 28, last MAC at 28 + 7 + 3 + 3 = 41 -> 42; is the same;
//          os s = 0, 8, 16, 24, last MAC 24 + 7 + 6 = 37, drain 4 more -> 42.
TEST(FoldTiming, FourByFourEightCubed) {
  const GemmDims g{8, 8, 8};
  EXPECT_EQ(fold_grid(Dataflow::ws, g, 4, 4).count(), 4);
  EXPECT_EQ(scalesim_compute_cycles(Dataflow::os, g, 4, 4), 55);
  EXPECT_EQ(scalesim_compute_cycles(Dataflow::ws, g, 4, 4), 71);
  EXPECT_EQ(scalesim_compute_cycles(Dataflow::is, g, 4, 4), 71);
  EXPECT_EQ(exact_compute_cycles(Dataflow::os, g, 4, 4), 42);
  EXPECT_EQ(exact_compute_cycles(Dataflow::ws, g, 4, 4), 42);
  EXPECT_EQ(exact_compute_cycles(Dataflow::is, g, 4, 4), 42);
}

// Two instances (e.g. two conv groups) of the ws case above run back to back: 8 full folds,
// P0 = 4, seven intervals of max(T=8, P=4) = 8, the last tail 8 + 6 = 14 -> 74.
TEST(FoldTiming, InstancesChain) {
  EXPECT_EQ(exact_compute_cycles(Dataflow::ws, GemmDims{8, 8, 8}, 4, 4, 2), 74);
}

// Edge folds. Results cross all R rows to the bottom edge, so skew = R + c - 2 for every fold.
// ws, 4x4, M = 3, N = 6, K = 5: rows <- K (r = 4, 1), cols <- N (c = 4, 2), T = 3;
// order (col outer, row inner): (r4,c4) (r1,c4) (r4,c2) (r1,c2). Times from fold 0's stream
// start s0 = P0 = 4:
//   s0 = 0, end 0 + 3 + 6 = 9;  s1 = max(3, P=1) = 3, end 3 + 3 + 6 = 12;
//   s2 = 3 + max(3, 4) = 7, end 7 + 3 + 4 = 14;  s3 = 7 + max(3, 1) = 10, end 10 + 3 + 4 = 17.
//   exact 4 + 17 = 21; SCALE-Sim 4 x (8 + 4 + 3 - 2 = 13) - 1 = 51.
// is, 4x4, M = 6, N = 3, K = 5 is its mirror: 21 and 51.
// os, 4x4, M = 5, N = 6, K = 3: rows <- M (r = 4, 1), cols <- N (c = 4, 2), T = 3, D = r;
// order (row outer, col inner): (r4,c4) (r4,c2) (r1,c4) (r1,c2).
//   s0 = 0, end 0 + 3 + 6 + 4 = 13;  s1 = max(3, D0 = 4) = 4, end 4 + 3 + 4 + 4 = 15;
//   s2 = 4 + max(3, 4) = 8, end 8 + 3 + 6 + 1 = 18;  s3 = 8 + max(3, 1) = 11, end 11 + 3 + 4 + 1 = 19.
//   exact 19; SCALE-Sim 4 x (3 + 4 + 4 - 2 = 9) - 1 = 35.
TEST(FoldTiming, EdgeFolds) {
  EXPECT_EQ(exact_compute_cycles(Dataflow::ws, GemmDims{3, 6, 5}, 4, 4), 21);
  EXPECT_EQ(scalesim_compute_cycles(Dataflow::ws, GemmDims{3, 6, 5}, 4, 4), 51);
  EXPECT_EQ(exact_compute_cycles(Dataflow::is, GemmDims{6, 3, 5}, 4, 4), 21);
  EXPECT_EQ(scalesim_compute_cycles(Dataflow::is, GemmDims{6, 3, 5}, 4, 4), 51);
  EXPECT_EQ(exact_compute_cycles(Dataflow::os, GemmDims{5, 6, 3}, 4, 4), 19);
  EXPECT_EQ(scalesim_compute_cycles(Dataflow::os, GemmDims{5, 6, 3}, 4, 4), 35);
}

// A single full fold alone: ws/is 2R + C + T - 2, SCALE-Sim's cycles per fold plus its -1;
// os K + 2R + C - 2 (SCALE-Sim's K + R + C - 2 omits the R-cycle drain).
TEST(FoldTiming, SingleFold) {
  EXPECT_EQ(exact_compute_cycles(Dataflow::ws, GemmDims{10, 4, 4}, 4, 4), 2 * 4 + 4 + 10 - 2);
  EXPECT_EQ(scalesim_compute_cycles(Dataflow::ws, GemmDims{10, 4, 4}, 4, 4), 2 * 4 + 4 + 10 - 2 - 1);
  EXPECT_EQ(exact_compute_cycles(Dataflow::os, GemmDims{4, 4, 10}, 4, 4), 10 + 8 + 4 - 2);
}

// The family under both timings on the 4x4 / 8^3 case. Exact with (practically) unbounded
// bandwidth and no latency still takes one clock edge for the first fold's operands to arrive
// and one for the last outputs to leave: 42 + 2 = 44 cycles, 2 of them stalls.
TEST(FoldTiming, FamilyBothTimings) {
  using orrery::test::run_op;
  using orrery::test::systolic_config;
  using orrery::test::systolic_yaml;
  for (const char* df : {"os", "ws", "is"}) {
    const auto s = run_op(systolic_config(systolic_yaml(4, 4, df, "scalesim")), "gemm:M=8,N=8,K=8");
    EXPECT_EQ(s.total.cycles, std::string(df) == "os" ? 55 : 71) << df;
    const auto e = run_op(systolic_config(systolic_yaml(4, 4, df, "exact")), "gemm:M=8,N=8,K=8");
    EXPECT_EQ(e.total.compute_cycles, 42) << df;
    EXPECT_EQ(e.total.cycles, 44) << df;
    EXPECT_EQ(e.total.stall_cycles, 2) << df;
    EXPECT_EQ(e.total.macs, 512);
    EXPECT_DOUBLE_EQ(e.total.utilization, 512.0 / (16.0 * 44.0));
  }
}

}  // namespace
