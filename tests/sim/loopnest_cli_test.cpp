// `orrery simulate` as Timeloop's timeloop-model: a Timeloop architecture, problem, mapping and
// ERT on the command line reproduce the ISPASS 2020 exercises 00-02 (reference stats from
// Timeloop v0.4, tests/data/loopnest/timeloop/README.md): cycles, computes and every per-level
// count exact, energies within 1 %. Bad inputs are one line naming the file, level and
// dimension, exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "tests/arch/loopnest/timeloop_stats_file.hpp"
#include "tests/support/run_cli.hpp"

namespace orrery {
namespace {

const std::string kData = "tests/data/loopnest/timeloop/";

struct Exercise {
  std::string label, dir, ref, arch, prob, map;
};

void expect_within_1_percent(double got, double ref, const std::string& what) {
  EXPECT_NEAR(got, ref, std::max(0.01 * std::abs(ref), 0.011)) << what;
}

class TimeloopModelCli : public ::testing::TestWithParam<Exercise> {};

TEST_P(TimeloopModelCli, ReproducesTheReferenceStats) {
  const Exercise& e = GetParam();
  const std::string dir = kData + e.dir + "/";
  const std::string out = dir + "ref-output/" + (e.ref.empty() ? "" : e.ref + "/");
  const auto r = test::run_cli("simulate --arch " + dir + "arch/" + e.arch + " --problem " + dir + "prob/" +
                               e.prob + " --mapping " + dir + "map/" + e.map + " --ert " + out +
                               "timeloop-model.ERT.yaml --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  const auto ref = arch::loopnest::testing::read_timeloop_stats(std::string(ORRERY_SOURCE_DIR) + "/" + out +
                                                                "timeloop-model.stats.txt");
  EXPECT_EQ(report["mapper"], "timeloop-mapping");
  EXPECT_EQ(report["total"]["cycles"].get<int64_t>(), ref.cycles);
  EXPECT_EQ(report["total"]["macs"].get<int64_t>(), ref.computes);
  EXPECT_NEAR(report["total"]["utilization"].get<double>() * 100, ref.utilization_percent, 0.005);
  expect_within_1_percent(report["total"]["energy_j"].get<double>() * 1e6, ref.energy_uj,
                          "total energy (uJ)");
  ASSERT_EQ(report["layers"].size(), 1u);
  const auto& levels = report["layers"][0]["levels"];
  ASSERT_EQ(levels.size(), ref.levels.size());
  for (const auto& level : levels) {
    const std::string name = level["name"];
    SCOPED_TRACE(name);
    ASSERT_TRUE(ref.levels.count(name));
    const auto& lref = ref.levels.at(name);
    if (level.contains("computes")) {  // the arithmetic level
      EXPECT_EQ(level["computes"].get<int64_t>(), static_cast<int64_t>(lref.values.at("Computes (total)")));
      expect_within_1_percent(level["energy_j"].get<double>() * 1e12, lref.values.at("Energy (total)"),
                              "compute energy (pJ)");
      continue;
    }
    expect_within_1_percent(level["leakage_energy_j"].get<double>() * 1e12,
                            lref.values.at("Leakage energy (total)"), "leakage (pJ)");
    EXPECT_EQ(level["dataspaces"].size(), lref.data_spaces.size());
    for (const auto& [ds, counts] : level["dataspaces"].items()) {
      SCOPED_TRACE(ds);
      ASSERT_TRUE(lref.data_spaces.count(ds));
      const auto& v = lref.data_spaces.at(ds).values;
      EXPECT_EQ(counts["reads"].get<int64_t>(), static_cast<int64_t>(v.at("Scalar reads (per-instance)")));
      EXPECT_EQ(counts["fills"].get<int64_t>(), static_cast<int64_t>(v.at("Scalar fills (per-instance)")));
      EXPECT_EQ(counts["updates"].get<int64_t>(),
                static_cast<int64_t>(v.at("Scalar updates (per-instance)")));
      expect_within_1_percent(counts["energy_j"].get<double>() * 1e12, v.at("Energy (total)"), "energy (pJ)");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Ispass2020, TimeloopModelCli,
    ::testing::Values(Exercise{"ex00_1level", "00-model-conv1d-1level", "", "1level.arch.yaml",
                               "conv1d.prob.yaml", "conv1d-1level.map.yaml"},
                      Exercise{"ex01_os", "01-model-conv1d-2level", "os", "2level.arch.yaml",
                               "conv1d.prob.yaml", "conv1d-2level-os.map.yaml"},
                      Exercise{"ex01_ws", "01-model-conv1d-2level", "ws", "2level.arch.yaml",
                               "conv1d.prob.yaml", "conv1d-2level-ws.map.yaml"},
                      Exercise{"ex02_no_tiling", "02-model-conv1d+oc-2level", "no-tiling", "2level.arch.yaml",
                               "conv1d+oc.prob.yaml", "conv1d+oc-2level-os.map.yaml"},
                      Exercise{"ex02_tiling", "02-model-conv1d+oc-2level", "tiling", "2level.arch.yaml",
                               "conv1d+oc.prob.yaml", "conv1d+oc-2level-os-tiled.map.yaml"}),
    [](const auto& info) { return info.param.label; });

// Exercise 02's architecture and problem (K=32, R=3, P=16) with a mapping or constraints file
// written by the test.
test::CliResult run_ex02(const std::string& file_text, const std::string& option,
                         const std::string& extra = "") {
  const std::string dir = kData + "02-model-conv1d+oc-2level/";
  const std::string path = "/tmp/orrery_lncli_" + std::to_string(::getpid()) + ".yaml";
  { std::ofstream(path) << file_text; }
  auto r = test::run_cli("simulate --arch " + dir + "arch/2level.arch.yaml --problem " + dir +
                         "prob/conv1d+oc.prob.yaml --ert " + dir +
                         "ref-output/tiling/timeloop-model.ERT.yaml " + option + " " + path + " " + extra);
  std::remove(path.c_str());
  return r;
}

void expect_one_line(const test::CliResult& r, const std::vector<std::string>& parts) {
  EXPECT_EQ(r.code, 2) << r.err;
  for (const auto& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << "'" << p << "' in: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(TimeloopModelCli, BadInputIsOneLineNamingFileLevelAndDimension) {
  // Buffer (64 words) asked to hold all 32x16 outputs.
  expect_one_line(run_ex02("mapping:\n- {target: MainMemory, type: temporal, factors: K=1 R=1 P=1}\n"
                           "- {target: Buffer, type: temporal, factors: K=32 R=3 P=16}\n",
                           "--mapping"),
                  {"orrery_lncli_", "Buffer", "capacity"});
  // Factors of P multiply to 8, not 16.
  expect_one_line(run_ex02("mapping:\n- {target: MainMemory, type: temporal, factors: K=32 R=1 P=8}\n"
                           "- {target: Buffer, type: temporal, factors: K=1 R=3 P=1}\n",
                           "--mapping"),
                  {"orrery_lncli_", "dimension P", "MainMemory P=8"});
  // An unknown level, and an unknown data space.
  expect_one_line(
      run_ex02("mapping:\n- {target: Bufer, type: temporal, factors: K=32 R=3 P=16}\n", "--mapping"),
      {"orrery_lncli_", "Bufer", "Buffer"});
  expect_one_line(run_ex02("mapping:\n- {target: Buffer, type: bypass, keep: [Psums]}\n"
                           "- {target: MainMemory, type: temporal, factors: K=32 R=3 P=16}\n",
                           "--mapping"),
                  {"orrery_lncli_", "Psums"});
  // Constraints no mapping can meet: K=3 at Buffer does not divide K=32.
  expect_one_line(run_ex02("constraints:\n  targets:\n  - {target: Buffer, type: temporal, factors: K=3}\n",
                           "--constraints", "--mapper search"),
                  {"orrery_lncli_", "Buffer K=3", "dimension K"});
}

TEST(TimeloopModelCli, ErtOnlyForLoopNestArchitectures) {
  expect_one_line(
      test::run_cli("simulate --arch configs/systolic/tpu_v1.yaml --op gemm:M=8,N=8,K=8 --ert x.yaml"),
      {"--ert", "configs/systolic/tpu_v1.yaml"});
  // A Timeloop architecture without --ert.
  expect_one_line(
      test::run_cli("simulate --arch " + kData + "00-model-conv1d-1level/arch/1level.arch.yaml --problem " +
                    kData + "00-model-conv1d-1level/prob/conv1d.prob.yaml"),
      {"1level.arch.yaml", "ert", "--ert FILE"});
}

TEST(TimeloopModelCli, SearchOnAProblemFile) {
  const std::string dir = kData + "02-model-conv1d+oc-2level/";
  const auto r = test::run_cli("simulate --arch " + dir + "arch/2level.arch.yaml --problem " + dir +
                               "prob/conv1d+oc.prob.yaml --ert " + dir +
                               "ref-output/tiling/timeloop-model.ERT.yaml --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["total"]["macs"].get<int64_t>(), 32 * 3 * 16);
  EXPECT_EQ(report["layers"][0]["op"], "loop_nest");
  // The search looked at the whole (small) mapspace and says so.
  const auto& search = report["layers"][0]["mapping"]["parts"][0]["search"];
  EXPECT_TRUE(search["exhaustive"].get<bool>());
  EXPECT_GT(search["evaluated"].get<int64_t>(), 0);
}

// The cycle fidelity through the family: the exercises' architectures set no bandwidth limits, so
// the SystemC model's cycles equal Timeloop's (48 for exercise 00, 1536 for 02 tiled), with the
// same counts and energy; on eyeriss_like (finite bandwidths, single-buffered spads) every layer
// takes at least its analytical cycles, with the same MACs and DRAM traffic.
TEST(LoopNestCycleCli, ExercisesAgreeWithTimeloopAndStallsOnlyAdd) {
  for (const auto& [dir, prob, map, ref, cycles] :
       {std::tuple{"00-model-conv1d-1level/", "conv1d.prob.yaml", "conv1d-1level.map.yaml", "", 48},
        std::tuple{"02-model-conv1d+oc-2level/", "conv1d+oc.prob.yaml", "conv1d+oc-2level-os-tiled.map.yaml",
                   "tiling/", 1536}}) {
    const std::string d = kData + dir;
    const std::string arch = std::string(dir).starts_with("00") ? "1level.arch.yaml" : "2level.arch.yaml";
    const std::string base = "simulate --arch " + d + "arch/" + arch + " --problem " + d + "prob/" + prob +
                             " --mapping " + d + "map/" + map + " --ert " + d + "ref-output/" + ref +
                             "timeloop-model.ERT.yaml --format json";
    const auto a = test::run_cli(base), c = test::run_cli(base + " --fidelity cycle");
    ASSERT_EQ(a.code, 0) << a.err;
    ASSERT_EQ(c.code, 0) << c.err;
    const auto ja = nlohmann::json::parse(a.out), jc = nlohmann::json::parse(c.out);
    EXPECT_EQ(jc["total"]["cycles"].get<int64_t>(), cycles) << dir;
    EXPECT_EQ(ja["total"]["cycles"], jc["total"]["cycles"]) << dir;
    EXPECT_EQ(ja["layers"][0]["levels"], jc["layers"][0]["levels"]) << dir;
    EXPECT_EQ(ja["total"]["energy_j"], jc["total"]["energy_j"]) << dir;
  }
  const std::string model =
      "simulate --arch configs/loopnest/eyeriss_like.yaml --model resnet18:res=32 --format json";
  const auto a = test::run_cli(model + " --save-mapping /tmp/orrery_lncycle.json");
  const auto c = test::run_cli(model + " --mapping /tmp/orrery_lncycle.json --fidelity cycle");
  std::remove("/tmp/orrery_lncycle.json");
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(c.code, 0) << c.err;
  const auto ja = nlohmann::json::parse(a.out), jc = nlohmann::json::parse(c.out);
  ASSERT_EQ(ja["layers"].size(), jc["layers"].size());
  for (size_t i = 0; i < ja["layers"].size(); ++i) {
    const auto &la = ja["layers"][i], &lc = jc["layers"][i];
    EXPECT_GE(lc["cycles"].get<int64_t>(), la["cycles"].get<int64_t>()) << la["name"];
    EXPECT_EQ(lc["macs"], la["macs"]) << la["name"];
    EXPECT_EQ(lc["dram_read_bytes"], la["dram_read_bytes"]) << la["name"];
  }
  EXPECT_GT(jc["total"]["cycles"].get<int64_t>(), ja["total"]["cycles"].get<int64_t>());
}

}  // namespace
}  // namespace orrery
