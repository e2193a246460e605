// timing: scalesim against SCALE-Sim v2's published CALC-mode cycle counts
// (shared/reference/systolic.md, "Published check values"), GEMM layout, through the formulas,
// the family and the command line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "arch/systolic/fold_timing.hpp"
#include "tests/arch/systolic/systolic_test_support.hpp"
#include "tests/support/run_cli.hpp"

namespace {

using orrery::arch::systolic::Dataflow;
using orrery::arch::systolic::GemmDims;
using orrery::arch::systolic::scalesim_compute_cycles;

struct Published {
  int64_t rows, m, n, k;
  const char* dataflow;
  int64_t cycles;  // SCALE-Sim v2, CALC mode
};

constexpr Published kPublished[] = {
    {256, 1024, 1024, 1024, "os", 24543},  {256, 1024, 1024, 1024, "ws", 28639},
    {256, 1024, 1024, 1024, "is", 28639},  {128, 1024, 1024, 1024, "os", 81791},
    {128, 1024, 1024, 1024, "ws", 89983},  {32, 1024, 1024, 1024, "os", 1112063},
    {32, 1024, 1024, 1024, "ws", 1144831}, {256, 4096, 4096, 1024, "ws", 311167},
};

Dataflow parse(const std::string& d) {
  return d == "os" ? Dataflow::os : d == "ws" ? Dataflow::ws : Dataflow::is;
}

TEST(ScaleSimPublished, Formulas) {
  for (const auto& p : kPublished)
    EXPECT_EQ(scalesim_compute_cycles(parse(p.dataflow), GemmDims{p.m, p.n, p.k}, p.rows, p.rows), p.cycles)
        << p.dataflow << " " << p.rows;
}

TEST(ScaleSimPublished, Family) {
  for (const auto& p : kPublished) {
    const auto cfg = orrery::test::systolic_config(orrery::test::systolic_yaml(
        static_cast<int>(p.rows), static_cast<int>(p.rows), p.dataflow, "scalesim", 48.6, 100, 8192));
    const auto r = orrery::test::run_op(cfg, fmt::format("gemm:M={},N={},K={},dtype=int8", p.m, p.n, p.k));
    EXPECT_EQ(r.total.cycles, p.cycles) << p.dataflow << " " << p.rows;
    EXPECT_EQ(r.total.stall_cycles, 0);
  }
}

TEST(ScaleSimPublished, CommandLine) {
  for (const auto& p : kPublished) {
    const auto r = orrery::test::run_cli(fmt::format(
        "simulate --arch configs/systolic/scalesim_google.yaml --set timing=scalesim --set dataflow={} "
        "--set array.rows={} --set array.cols={} --op gemm:M={},N={},K={} --format json",
        p.dataflow, p.rows, p.rows, p.m, p.n, p.k));
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["total"]["cycles"].get<int64_t>(), p.cycles) << p.dataflow << " " << p.rows;
  }
}

}  // namespace
