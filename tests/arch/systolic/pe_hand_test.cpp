// PE-level systolic model, 2×2 array, C = A·B with A, B 2×2 (int8): every cycle worked out on
// paper. Cycle 0 is the cycle the job's first word enters the array (is used by an edge PE);
// "leaves at t" means the bottom PE wrote the word at t.
#include <gtest/gtest.h>

#include "arch/systolic/pe/gemm_runner.hpp"
#include "arch/systolic/pe/system.hpp"

namespace orrery::arch::systolic::pe {
namespace {

Mat<int8_t> mat2(int a, int b, int c, int d) {
  Mat<int8_t> m(2, 2);
  m << static_cast<int8_t>(a), static_cast<int8_t>(b), static_cast<int8_t>(c), static_cast<int8_t>(d);
  return m;
}

TEST(SystolicPeHand, TwoByTwoEveryDataflow) {
  // A = [1 2; 3 4], B = [5 6; 7 8]: C = [19 22; 43 50] (by hand).
  const Mat<int8_t> a = mat2(1, 2, 3, 4), b = mat2(5, 6, 7, 8);
  Mat<int32_t> expected(2, 2);
  expected << 19, 22, 43, 50;
  PeSystem<int8_t, int32_t> sys("pe", 2, 2);
  const ArrayDims dims = sys.dims();
  std::vector<Plan<int8_t>> plans;
  plans.push_back(make_gemm_plan<int8_t>(a, b, dims, Dataflow::ws, FoldSchedule::back_to_back));
  plans.push_back(make_gemm_plan<int8_t>(a, b, dims, Dataflow::os, FoldSchedule::back_to_back));
  plans.push_back(make_gemm_plan<int8_t>(a, b, dims, Dataflow::is, FoldSchedule::back_to_back));
  const auto runs = sys.run(std::move(plans));
  ASSERT_EQ(runs.size(), 3u);
  for (const auto& r : runs) {
    EXPECT_EQ(r.result, expected);
    ASSERT_EQ(r.cycles.fold_first_in.size(), 1u);  // one fold: K = R, N = C, M = C
    EXPECT_EQ(r.cycles.macs(), 8);                 // M·N·K
  }

  // ws (R = C = 2, M = 2), weights B stationary, rows of A streamed:
  //   c0 top of col 0 gets B[1][0] (bottom row first)    c1 col 0 gets B[0][0]; col 1 B[1][1]
  //   c1 both col-0 PEs capture (B[1][0] reached row 1)  c2 col 1 gets B[0][1]; col 1 captures
  //   c2 row 0 gets A[0][0]: PE(0,0) MAC                 c3 row 0 A[1][0], row 1 A[0][1]
  //   c3 PE(0,1) MAC (A[0][0] moved right), PE(1,0) MAC -> C[0][0] leaves col 0 at c3
  //   c4 C[1][0] leaves col 0, C[0][1] leaves col 1      c5 C[1][1] leaves col 1
  //   last MAC c5 (PE(1,1)), last output c5: 6 cycles = 2R + C + M - 2 = 4 + 2 + 2 - 2.
  const auto& ws = runs[0].cycles;
  EXPECT_EQ(ws.fold_first_in[0], 0);
  EXPECT_EQ(ws.fold_last_mac[0], 5);
  EXPECT_EQ(ws.fold_last_out[0], 5);
  EXPECT_EQ(ws.fold_cycles(0), 6);
  EXPECT_EQ(ws.total_cycles(), 6);

  // os (K = 2): row i gets A[i][k] at c(k+i), column j gets B[k][j] at c(k+j);
  //   PE(i,j) MACs at c(i+j) and c(i+j+1): PE(0,0) c0,c1; PE(0,1), PE(1,0) c1,c2; PE(1,1) c2,c3.
  //   last MAC c3: 4 cycles = K + R + C - 2 (SCALE-Sim's count).
  //   Flush bubbles enter row i at c(2+i) and reach PE(i,j) at c(2+i+j), which hands its sum to
  //   the drain: col 0 bottom gives C[1][0] at c3 (PE(1,0) itself), C[0][0] at c4 (PE(0,0)'s sum,
  //   handed down through PE(1,0)'s drain register); col 1 gives C[1][1] at c4, C[0][1] at c5.
  //   last output c5: 6 cycles = K + 2R + C - 2 (the drain adds R).
  const auto& os = runs[1].cycles;
  EXPECT_EQ(os.fold_first_in[0], 0);
  EXPECT_EQ(os.fold_last_mac[0], 3);
  EXPECT_EQ(os.fold_compute_cycles(0), 4);
  EXPECT_EQ(os.fold_last_out[0], 5);
  EXPECT_EQ(os.fold_cycles(0), 6);

  // is (N = 2): as ws with A^T stationary (PE(i,j) holds A[j][i]) and the rows of B streamed
  //   (row i gets B[i][n] at c(2+n+i)); column j's n-th output C[j][n] leaves at c(3+n+j).
  //   last output c5: 6 cycles = 2R + C + N - 2.
  const auto& is = runs[2].cycles;
  EXPECT_EQ(is.fold_last_mac[0], 5);
  EXPECT_EQ(is.fold_last_out[0], 5);
  EXPECT_EQ(is.fold_cycles(0), 6);
}

TEST(SystolicPeHand, TwoByTwoTwoFolds) {
  // 2×2 array, two folds each, all ones so every result is K (by hand).
  PeSystem<int8_t, int32_t> sys("pe", 2, 2);
  const ArrayDims dims = sys.dims();
  auto ones = [](int r, int c) { return Mat<int8_t>::Constant(r, c, 1); };
  std::vector<Plan<int8_t>> plans;
  // ws, M = N = 2, K = 4: two K folds (rows k 0-1, then 2-3), partial sums add up outside.
  plans.push_back(
      make_gemm_plan<int8_t>(ones(2, 4), ones(4, 2), dims, Dataflow::ws, FoldSchedule::back_to_back));
  plans.push_back(
      make_gemm_plan<int8_t>(ones(2, 4), ones(4, 2), dims, Dataflow::ws, FoldSchedule::pipelined));
  // os, M = 4, N = 2, K = 2: two row folds.
  plans.push_back(
      make_gemm_plan<int8_t>(ones(4, 2), ones(2, 2), dims, Dataflow::os, FoldSchedule::back_to_back));
  plans.push_back(
      make_gemm_plan<int8_t>(ones(4, 2), ones(2, 2), dims, Dataflow::os, FoldSchedule::pipelined));
  const auto runs = sys.run(std::move(plans));
  EXPECT_EQ(runs[0].result, Mat<int32_t>::Constant(2, 2, 4));
  EXPECT_EQ(runs[1].result, Mat<int32_t>::Constant(2, 2, 4));
  EXPECT_EQ(runs[2].result, Mat<int32_t>::Constant(4, 2, 2));
  EXPECT_EQ(runs[3].result, Mat<int32_t>::Constant(4, 2, 2));

  // ws back to back: each fold as in TwoByTwoEveryDataflow (6 cycles), fold 1 from c6:
  //   fold 1 loads c6..c8, streams row 0 at c8,c9, row 1 at c9,c10; last output c11.
  //   12 cycles = 2 folds × 6; the last output's cycle number 11 is SCALE-Sim's total
  //   (folds × per-fold − 1).
  EXPECT_EQ(runs[0].cycles.fold_first_in, (std::vector<int64_t>{0, 6}));
  EXPECT_EQ(runs[0].cycles.fold_last_out, (std::vector<int64_t>{5, 11}));
  EXPECT_EQ(runs[0].cycles.total_cycles(), 12);
  // ws pipelined (two stationary registers): fold 0 loads c0,c1 (col 0) / c1,c2 (col 1),
  //   streams from s0 = 2 (row 0 c2,c3; row 1 c3,c4). Fold 1 loads into the other register
  //   at c2,c3 / c3,c4 while fold 0 streams, streams from s1 = s0 + max(M = 2, r = 2) = 4
  //   (row 0 c4,c5; row 1 c5,c6); PE(1,1)'s last MAC and the last output are at c7:
  //   8 cycles (fold 0's outputs leave at c3..c5, fold 1's at c5..c7).
  EXPECT_EQ(runs[1].cycles.fold_first_in, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(runs[1].cycles.fold_last_out, (std::vector<int64_t>{5, 7}));
  EXPECT_EQ(runs[1].cycles.last_mac, 7);
  EXPECT_EQ(runs[1].cycles.total_cycles(), 8);
  // os back to back, P = K + R + C − 2 = 4: fold 0 streams c0..c2 (row i, col j from c(i+j)),
  //   last MAC c3; fold 1 starts at c4, last MAC c7 = 2·4 − 1 (SCALE-Sim's total). Fold 0's
  //   flush enters at c2, so its drain gives col 0 rows 1,0 at c3,c4, col 1 at c4,c5; fold 1's
  //   at c7,c8 / c8,c9: last output c9 = SCALE-Sim's total + R.
  EXPECT_EQ(runs[2].cycles.fold_last_mac, (std::vector<int64_t>{3, 7}));
  EXPECT_EQ(runs[2].cycles.fold_last_out, (std::vector<int64_t>{5, 9}));
  // os pipelined: s1 = max(K = 2, R = 2) = 2; fold 1's first words hand fold 0's sums to the
  //   drain (col 0 gives them at c3,c4, col 1 at c4,c5); fold 1's last MAC at 2 + 3 = c5, its
  //   flush enters at c4 and the drain gives col 0 at c5,c6 and col 1 at c6,c7: 8 cycles.
  EXPECT_EQ(runs[3].cycles.fold_first_in, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(runs[3].cycles.fold_last_mac, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(runs[3].cycles.fold_last_out, (std::vector<int64_t>{5, 7}));
  EXPECT_EQ(runs[3].cycles.total_cycles(), 8);
}

}  // namespace
}  // namespace orrery::arch::systolic::pe
