// Holds the accuracy `orrery validate` reaches on the committed H100 measurements
// (validation/data/ops_h100.csv, models_h100.csv). The constants of configs/gpu/h100_sxm.yaml
// were fitted on the calibration split only; the held-out bounds below are what the model
// reached when this test was written (see the numbers in the report), with a small margin, so
// that a change that makes the model worse fails here. They are not the targets
// (held-out kernel MAPE <= 8 %), which the model does not reach yet.
#include <gtest/gtest.h>

#include <map>

#include "arch/registry.hpp"
#include "sim/validate/validator.hpp"
#include "tests/support/run_cli.hpp"

namespace orrery::sim::validate {
namespace {

Summary run_split(const std::string& split) {
  const std::string root = ORRERY_SOURCE_DIR;
  const auto cfg = arch::load_arch(root + "/configs/gpu/h100_sxm.yaml");
  auto rows = read_measurements(root + "/validation/data/ops_h100.csv");
  const auto models = read_measurements(root + "/validation/data/models_h100.csv");
  rows.insert(rows.end(), models.begin(), models.end());
  return summarize(simulate_rows(cfg, select_split(rows, split)), 52428800.0);
}

std::map<std::string, Accuracy> by_kind(const Summary& s) {
  std::map<std::string, Accuracy> m;
  for (const auto& k : s.kinds) m[k.kind] = k.time;
  return m;
}

TEST(ValidateAccuracy, CalibrationSplit) {
  const Summary s = run_split("calibration");
  EXPECT_EQ(s.failed, 0u) << s.first_failure;
  EXPECT_GE(s.kernels.n, 100u);
  EXPECT_LT(s.kernels.mape, 0.165);  // reached: 15.3 %
  EXPECT_GT(s.kernels.spearman, 0.945);  // reached: 0.954
}

TEST(ValidateAccuracy, HeldOutSplit) {
  const Summary s = run_split("heldout");
  EXPECT_EQ(s.failed, 0u) << s.first_failure;
  EXPECT_GE(s.kernels.n, 170u);
  auto k = by_kind(s);
  // Reached when written: all kernels 18.1 % (Spearman 0.970), gemm 18.1 % (0.982), conv2d 22.1 %
  // (depthwise: batched 3x3 as the tiled memory-bound kernel, the rest through the direct
  // kernel whose rate is fitted on 3 calibration rows), attention 16.7 %, elementwise 9.6 %,
  // layernorm 9.0 %, copy 10.9 %, DRAM bytes 13.6 %.
  EXPECT_LT(s.kernels.mape, 0.195);
  EXPECT_LT(k["gemm"].mape, 0.195);
  EXPECT_LT(k["conv2d"].mape, 0.24);
  EXPECT_LT(k["attention"].mape, 0.18);
  EXPECT_LT(k["elementwise"].mape, 0.11);
  EXPECT_LT(k["layernorm"].mape, 0.10);
  EXPECT_LT(k["copy"].mape, 0.12);
  EXPECT_GT(s.kernels.spearman, 0.96);
  EXPECT_GT(k["gemm"].spearman, 0.975);
  EXPECT_LT(s.dram.mape, 0.15);
  EXPECT_EQ(s.models.n, 22u);
}

TEST(ValidateCli, WritesSvgAndRejectsBadSplit) {
  const std::string svg = "/tmp/orrery_validate_plot_" + std::to_string(::getpid()) + ".svg";
  const auto ok = test::run_cli("validate --arch configs/gpu/h100_sxm.yaml --measurements "
                                "validation/data/ops_h100.csv --split calibration --plot " + svg);
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("all kernels"), std::string::npos);
  EXPECT_EQ(test::slurp(svg).rfind("<svg", 0), 0u);
  std::remove(svg.c_str());
  const auto bad = test::run_cli("validate --arch configs/gpu/h100_sxm.yaml --measurements "
                                 "validation/data/ops_h100.csv --split training");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--split"), std::string::npos);
  const auto systolic = test::run_cli("validate --arch configs/systolic/tpu_v1.yaml --measurements "
                                      "validation/data/ops_h100.csv");
  EXPECT_EQ(systolic.code, 2);
}

}  // namespace
}  // namespace orrery::sim::validate
