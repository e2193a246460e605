#pragma once
// Helpers for the PE-level model tests: seeded random operands, the cycle events each fold
// must show (derived by hand in arch/systolic/pe/driver.hpp's table, restated here from the
// register-level timing, not from the model's code), and Eigen references.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "arch/systolic/pe/gemm_runner.hpp"
#include "arch/systolic/pe/job_result.hpp"

namespace orrery::arch::systolic::pe::test {

inline Mat<int8_t> random_int8(int64_t rows, int64_t cols, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-128, 127);
  Mat<int8_t> m(rows, cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) m(i, j) = static_cast<int8_t>(d(rng));
  return m;
}

inline Mat<float> random_fp32(int64_t rows, int64_t cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  Mat<float> m(rows, cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) m(i, j) = d(rng);
  return m;
}

// fp32 results: |x - ref| <= 1e-5 · sum_k |a_ik|·|b_kj| (the scale of the dot product; a plain
// relative error is meaningless where the sum cancels to near zero).
inline void expect_fp32_close(const Mat<float>& got, const Mat<float>& a, const Mat<float>& b) {
  const Mat<double> ref = a.cast<double>() * b.cast<double>();
  const Mat<double> scale = a.cast<double>().cwiseAbs() * b.cast<double>().cwiseAbs();
  const Mat<float> eigen_fp32 = a * b;
  ASSERT_EQ(got.rows(), ref.rows());
  ASSERT_EQ(got.cols(), ref.cols());
  double worst = 0;
  for (int64_t i = 0; i < ref.rows(); ++i) {
    for (int64_t j = 0; j < ref.cols(); ++j) {
      worst = std::max(worst, std::abs(got(i, j) - ref(i, j)) / scale(i, j));
      // also against Eigen's own fp32 product
      worst = std::max(worst, std::abs(static_cast<double>(got(i, j)) - eigen_fp32(i, j)) / scale(i, j));
    }
  }
  EXPECT_LE(worst, 1e-5);
}

struct Gemm {
  int64_t m, n, k;
};

// Cycle events of every fold on an R×C array, by hand (driver.hpp's table): fold f uses r_f
// rows and c_f columns, streams T vectors from s_f.
//   ws/is: first word s_f - r_f; last MAC s_f + T + r_f + c_f - 3;
//          last output s_f + T + R + c_f - 3 (partial sums pass all R rows)
//   os:    (the tile sits in the bottom r_f rows) first word s_f; last MAC s_f + K + R + c_f - 3;
//          last output s_f + K + R + r_f + c_f - 3
// Stream starts: back_to_back s_f = f·P + r_0 (ws/is) or f·P (os) with SCALE-Sim's P;
// pipelined s_0 = r_0 (ws/is) or 0 (os), s_{f+1} = s_f + max(T, r_{f+1} (ws/is), r_f (os)).
struct ExpectedFold {
  int64_t first_in, last_mac, last_out;
};

inline std::vector<ExpectedFold> expected_folds(Dataflow df, int rows, int cols, Gemm g,
                                                FoldSchedule schedule) {
  const int64_t R = rows, C = cols;
  const bool os = df == Dataflow::os;
  const int64_t along_rows = os ? g.m : g.k;
  const int64_t along_cols = df == Dataflow::is ? g.m : g.n;
  const int64_t T = os ? g.k : (df == Dataflow::ws ? g.m : g.n);
  const int64_t row_folds = (along_rows + R - 1) / R, col_folds = (along_cols + C - 1) / C;
  std::vector<std::pair<int64_t, int64_t>> used;  // (r_f, c_f) in fold order
  for (int64_t outer = 0; outer < (os ? row_folds : col_folds); ++outer) {
    for (int64_t inner = 0; inner < (os ? col_folds : row_folds); ++inner) {
      const int64_t fr = os ? outer : inner, fc = os ? inner : outer;
      used.emplace_back(std::min(R, along_rows - fr * R), std::min(C, along_cols - fc * C));
    }
  }
  const int64_t per_fold = os ? g.k + R + C - 2 : 2 * R + C + T - 2;  // SCALE-Sim
  std::vector<ExpectedFold> out;
  int64_t s = 0;
  for (size_t f = 0; f < used.size(); ++f) {
    const auto [r, c] = used[f];
    if (schedule == FoldSchedule::back_to_back) {
      s = static_cast<int64_t>(f) * per_fold + (os ? 0 : used[0].first);
    } else if (f == 0) {
      s = os ? 0 : r;
    } else {
      s += std::max(T, os ? used[f - 1].first : r);
    }
    if (os) {
      out.push_back({s, s + g.k + R + c - 3, s + g.k + R + r + c - 3});
    } else {
      out.push_back({s - r, s + T + r + c - 3, s + T + R + c - 3});
    }
  }
  return out;
}

inline void expect_cycles(const CycleReport& got, const std::vector<ExpectedFold>& want) {
  ASSERT_EQ(got.fold_first_in.size(), want.size());
  for (size_t f = 0; f < want.size(); ++f) {
    EXPECT_EQ(got.fold_first_in[f], want[f].first_in) << "fold " << f;
    EXPECT_EQ(got.fold_last_mac[f], want[f].last_mac) << "fold " << f;
    EXPECT_EQ(got.fold_last_out[f], want[f].last_out) << "fold " << f;
  }
}

}  // namespace orrery::arch::systolic::pe::test
