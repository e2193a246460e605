// `orrery simulate --parallel` end to end: the report's parallel section, the Chrome trace, both
// fidelities, and one-line errors (exit 2) for bad arguments.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "tests/support/run_cli.hpp"

namespace orrery {
namespace {

const std::string kH100 = "--arch configs/gpu/h100_sxm.yaml ";

TEST(ParallelCli, ReportAndTimeline) {
  const std::string trace = "/tmp/orrery_parallel_trace_" + std::to_string(::getpid()) + ".json";
  const auto r = test::run_cli("simulate " + kH100 +
                               "--model gpt2:layers=4 --batch 8 --parallel dp=2,tp=2,pp=2,microbatches=2 "
                               "--format json --timeline " +
                               trace);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& p = j.at("parallel");
  EXPECT_EQ(p["devices"], 8);
  EXPECT_EQ(p["microbatch_size"], 2);
  EXPECT_EQ(p["per_device"].size(), 8u);
  EXPECT_EQ(p["stages"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["total"]["seconds"].get<double>(), p["step_s"].get<double>());
  EXPECT_NEAR(j["total"]["throughput_per_s"].get<double>(), 8 / p["step_s"].get<double>(), 1e-6);
  // Step >= every device's compute + exposed communication (idle is what is left).
  for (const auto& d : p["per_device"])
    EXPECT_NEAR(d["compute_s"].get<double>() + d["comm_exposed_s"].get<double>() + d["idle_s"].get<double>(),
                p["step_s"].get<double>(), 1e-12);
  // Per stage and microbatch, 2 tensor-parallel all-reduces per block (4 blocks over 2 stages) and
  // the embedding's: 2 x 2 dp ranks x 2 microbatches x (2 x 4 + 1) = 36.
  int64_t tp = 0, pp = 0;
  for (const auto& c : p["collectives"]) {
    if (c["category"] == "tp") tp += c["count"].get<int64_t>();
    if (c["category"] == "pp") pp += c["count"].get<int64_t>();
  }
  EXPECT_EQ(tp, 2 * 2 * (2 * 4 + 1));
  EXPECT_EQ(pp, 2 * 2 * 2);  // 2 tp ranks x 2 dp ranks x 2 microbatches
  const auto t = nlohmann::json::parse(test::slurp(trace));
  std::remove(trace.c_str());
  int64_t complete = 0;
  for (const auto& e : t["traceEvents"]) complete += e["ph"] == "X";
  EXPECT_GT(complete, 8 * 4);
}

// The SystemC model of devices and links gives a step for the same program; on one node with
// one microbatch no two transfers meet, so it agrees with the analytical executor up to the
// per-op compute times, which the GPU's cycle model computes itself.
TEST(ParallelCli, CycleFidelityRuns) {
  const auto r = test::run_cli(
      "simulate --arch configs/systolic/tpu_v1.yaml --model gpt2:layers=1,seq=32 "
      "--parallel tp=2 --set interconnect.torus.x=2 --set interconnect.ici.links_per_chip=2 "
      "--fidelity cycle --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto a = test::run_cli(
      "simulate --arch configs/systolic/tpu_v1.yaml --model gpt2:layers=1,seq=32 "
      "--parallel tp=2 --set interconnect.torus.x=2 --set interconnect.ici.links_per_chip=2 "
      "--format json");
  ASSERT_EQ(a.code, 0) << a.err;
  const auto jc = nlohmann::json::parse(r.out), ja = nlohmann::json::parse(a.out);
  EXPECT_GT(jc["parallel"]["step_s"].get<double>(), 0);
  // Communication is the same in both (the systolic cycle model's compute may differ).
  for (size_t i = 0; i < ja["parallel"]["collectives"].size(); ++i)
    EXPECT_NEAR(jc["parallel"]["collectives"][i]["seconds"].get<double>(),
                ja["parallel"]["collectives"][i]["seconds"].get<double>(), 1e-9);
}

TEST(ParallelCli, BadInputIsOneLineExit2) {
  const auto check = [](const std::string& args, const std::string& needle) {
    const auto r = test::run_cli("simulate " + args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  };
  check(kH100 + "--model gpt2 --parallel tp=2,foo=1", "--parallel");
  check(kH100 + "--model gpt2 --parallel tp=16", "interconnect.nodes");
  check(kH100 + "--model gpt2 --batch 3 --parallel dp=2", "--batch 3");
  check(kH100 + "--model gpt2 --timeline /tmp/x.json", "--timeline");
  check(kH100 + "--model gpt2 --parallel tp=5", "divisible");
  check("--arch configs/fpga/zcu102_dpu.yaml --model resnet18 --batch 2 --parallel dp=2",
        "not supported yet");
  check(kH100 + "--model gpt2 --parallel zero=4", "zero");
}

}  // namespace
}  // namespace orrery
