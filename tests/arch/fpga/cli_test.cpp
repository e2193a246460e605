// The FPGA family through the orrery binary: shipped configs, bad configs, reports.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/run_cli.hpp"

namespace orrery::test {
namespace {

const char* kConfigs[] = {"zcu102_dpu",      "zcu104_dpu",       "kv260_dpu",     "u250_dpu",
                          "zc706_streaming", "zcu102_streaming", "u250_streaming"};

TEST(FpgaCli, EveryShippedConfigSimulates) {
  for (const char* name : kConfigs) {
    const auto r =
        run_cli(std::string("simulate --arch configs/fpga/") + name +
                ".yaml --op conv2d:N=1,C=64,H=28,W=28,K=64,R=3,S=3,stride=1,pad=1,dtype=int8 --format json");
    ASSERT_EQ(r.code, 0) << name << ": " << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_GT(j["total"]["throughput_per_s"].get<double>(), 0) << name;
    EXPECT_TRUE(j["resources"]["fits"].get<bool>()) << name;
    EXPECT_GT(j["resources"]["power_w"].get<double>(), 0) << name;
    EXPECT_DOUBLE_EQ(j["resources"]["power_uncertainty"].get<double>(), 0.25) << name;
  }
}

void expect_one_line_exit_2(const std::string& args, const std::string& needle) {
  const auto r = run_cli(args);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(FpgaCli, ZeroDspsIsAConfigError) {
  expect_one_line_exit_2(
      "simulate --arch configs/fpga/zcu102_dpu.yaml --set device.dsp=0 --op gemm:M=8,N=8,K=8", "device.dsp");
}

TEST(FpgaCli, UnknownEngineIsAConfigError) {
  expect_one_line_exit_2(
      "simulate --arch configs/fpga/zcu102_dpu.yaml --set engine=systolic --op gemm:M=8,N=8,K=8", "engine");
}

TEST(FpgaCli, CoresBeyondTheDeviceAreAConfigError) {
  // 5 x 710 DSPs > the ZU9EG's 2,520.
  expect_one_line_exit_2(
      "simulate --arch configs/fpga/zcu102_dpu.yaml --set overlay.cores=5 --op gemm:M=8,N=8,K=8",
      "overlay.dsp_per_core");
}

TEST(FpgaCli, NotFittingIsAResultNotAnError) {
  // conv 3x3 1024 -> 1024: 9.4 M int8 weights = 75 Mbit > the ZC706's 19.6 Mbit of BRAM, with
  // the weights kept on chip (by default they would stream from DDR).
  const auto r = run_cli(
      "simulate --arch configs/fpga/zc706_streaming.yaml --set streaming.weights_from_ddr=false "
      "--op conv2d:N=1,C=1024,H=7,W=7,K=1024,R=3,S=3,stride=1,pad=1,dtype=int8 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["resources"]["fits"].get<bool>());
  EXPECT_GT(j["resources"]["overflow"]["bram"]["over_by"].get<double>(), 0);
  EXPECT_TRUE(j["layers"][0]["mapping"].contains("folding"));
}

}  // namespace
}  // namespace orrery::test
