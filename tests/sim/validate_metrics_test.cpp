// Accuracy metrics and the measurement reader of `orrery validate`.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "common/error.hpp"
#include "sim/validate/measurements.hpp"
#include "sim/validate/metrics.hpp"

namespace orrery::sim::validate {
namespace {

// Hand-computed: errors +10 %, -20 %, 0 % -> MAPE 10 %, max 20 %, bias -3.33 %.
TEST(ValidateMetrics, MapeMaxAndBias) {
  const Accuracy a = accuracy({11, 8, 5}, {10, 10, 5});
  EXPECT_NEAR(a.mape, 0.1, 1e-12);
  EXPECT_NEAR(a.max_error, 0.2, 1e-12);
  EXPECT_NEAR(a.mean_signed, -0.1 / 3, 1e-12);
}

// Spearman: identical order 1, reversed -1; ranks (1,2,3,4) vs (1,3,2,4):
// d^2 = 0+1+1+0 = 2, rho = 1 - 6*2/(4*15) = 0.8.
TEST(ValidateMetrics, Spearman) {
  EXPECT_NEAR(spearman({1, 2, 3}, {10, 20, 30}), 1.0, 1e-12);
  EXPECT_NEAR(spearman({1, 2, 3}, {30, 20, 10}), -1.0, 1e-12);
  EXPECT_NEAR(spearman({1, 2, 3, 4}, {1, 3, 2, 4}), 0.8, 1e-12);
}

TEST(ValidateMeasurements, QuotedSpecsAndIdleRow) {
  const std::string path = "/tmp/orrery_validate_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path) << "spec,kind,median_us,split\nidle,idle,,\n\"gemm:M=1,N=2,K=3\",gemm,4.5,heldout\n";
  const auto rows = read_measurements(path);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].spec, "gemm:M=1,N=2,K=3");
  EXPECT_EQ(rows[0].median_us, 4.5);
  std::ofstream(path) << "spec,kind,median_us\n\"gemm:M=1,N=2,K=3\",gemm,fast\n";
  EXPECT_THROW(read_measurements(path), UsageError);
  std::remove(path.c_str());
}

// Whose kernels a row measured: op rows default to the harness's libraries, model rows to
// PyTorch; a `mapper` column overrides, and anything else is one clear error naming the line.
TEST(ValidateMeasurements, MapperColumn) {
  const std::string path = "/tmp/orrery_validate_mapper_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path) << "spec,kind,median_us,mapper\n\"gemm:M=1,N=2,K=3\",gemm,4.5,\n"
                         "\"layernorm:rows=2,cols=8\",layernorm,3,pytorch\n";
  const auto rows = read_measurements(path);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].mapper, "library");
  EXPECT_EQ(rows[1].mapper, "pytorch");
  std::ofstream(path) << "model,batch,median_us\nresnet18,1,400\n";
  EXPECT_EQ(read_measurements(path).at(0).mapper, "pytorch");
  std::ofstream(path) << "spec,kind,median_us,mapper\n\"gemm:M=1,N=2,K=3\",gemm,4.5,tensorrt\n";
  try {
    read_measurements(path);
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(":2: mapper: expected pytorch|library, got 'tensorrt'"),
              std::string::npos)
        << e.what();
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace orrery::sim::validate
