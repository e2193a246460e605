// PE-level systolic model: GEMM results against Eigen (int8 exact, fp32 within 1e-5 of the dot
// product's scale) and cycle events against the hand-derived per-fold timing, for every
// dataflow and both fold schedules, on shapes that are and are not multiples of the array.
// One elaboration per test (each TEST runs in its own process).
#include <gtest/gtest.h>

#include <random>

#include "arch/systolic/pe/system.hpp"
#include "tests/arch/systolic/pe_test_support.hpp"

namespace orrery::arch::systolic::pe {
namespace {

using test::Gemm;

constexpr Dataflow kFlows[] = {Dataflow::ws, Dataflow::os, Dataflow::is};
constexpr FoldSchedule kSchedules[] = {FoldSchedule::back_to_back, FoldSchedule::pipelined};

// 4 rows × 6 columns, so that rows and columns cannot be confused.
constexpr int kRows = 4, kCols = 6;
const std::vector<Gemm> kShapes = {
    {4, 6, 4},    // one fold for os; ws/is fit too
    {12, 12, 8},  // multiples of both sides
    {13, 11, 9},  // nothing divides
    {1, 17, 30},  // a single row of A
    {30, 3, 1},   // K = 1
    {7, 5, 23},   // K-folds with a short last one
};

template <class In, class Acc, class MakeMat, class Check>
void run_all(MakeMat make, Check check) {
  std::mt19937 rng(20261124);
  PeSystem<In, Acc> sys("pe", kRows, kCols);
  struct Case {
    Gemm g;
    Dataflow df;
    FoldSchedule schedule;
    Mat<In> a, b;
  };
  std::vector<Case> cases;
  std::vector<Plan<In>> plans;
  for (const Gemm& g : kShapes) {
    const Mat<In> a = make(g.m, g.k, rng), b = make(g.k, g.n, rng);
    for (Dataflow df : kFlows) {
      for (FoldSchedule s : kSchedules) {
        cases.push_back({g, df, s, a, b});
        plans.push_back(make_gemm_plan<In>(a, b, sys.dims(), df, s));
      }
    }
  }
  const auto runs = sys.run(std::move(plans));
  ASSERT_EQ(runs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(
        testing::Message() << "M=" << c.g.m << " N=" << c.g.n << " K=" << c.g.k << " " << to_string(c.df)
                           << " " << (c.schedule == FoldSchedule::pipelined ? "pipelined" : "back_to_back"));
    check(runs[i].result, c.a, c.b);
    EXPECT_EQ(runs[i].cycles.macs(), c.g.m * c.g.n * c.g.k);
    test::expect_cycles(runs[i].cycles, test::expected_folds(c.df, kRows, kCols, c.g, c.schedule));
  }
}

TEST(SystolicPeGemm, Int8MatchesEigenExactly) {
  run_all<int8_t, int32_t>(test::random_int8,
                           [](const Mat<int32_t>& got, const Mat<int8_t>& a, const Mat<int8_t>& b) {
                             const Mat<int32_t> ref = a.cast<int32_t>() * b.cast<int32_t>();
                             EXPECT_EQ(got, ref);
                           });
}

TEST(SystolicPeGemm, Fp32MatchesEigen) {
  run_all<float, float>(test::random_fp32, [](const Mat<float>& got, const Mat<float>& a,
                                              const Mat<float>& b) { test::expect_fp32_close(got, a, b); });
}

// The largest array the PE-level model takes, every dataflow, pipelined folds.
TEST(SystolicPeGemm, Int8LargestArray) {
  std::mt19937 rng(32);
  PeSystem<int8_t, int32_t> sys("pe", 32, 32);
  const Gemm g{70, 40, 75};
  const Mat<int8_t> a = test::random_int8(g.m, g.k, rng), b = test::random_int8(g.k, g.n, rng);
  std::vector<Plan<int8_t>> plans;
  for (Dataflow df : kFlows)
    plans.push_back(make_gemm_plan<int8_t>(a, b, sys.dims(), df, FoldSchedule::pipelined));
  const auto runs = sys.run(std::move(plans));
  const Mat<int32_t> ref = a.cast<int32_t>() * b.cast<int32_t>();
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].result, ref);
    test::expect_cycles(runs[i].cycles, test::expected_folds(kFlows[i], 32, 32, g, FoldSchedule::pipelined));
  }
}

}  // namespace
}  // namespace orrery::arch::systolic::pe
