// The systolic family from the command line: mappers, errors, and a SCALE-Sim topology CSV.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "arch/systolic/fold_timing.hpp"
#include "tests/support/run_cli.hpp"
#include "workloads/topology_csv.hpp"

namespace {

using orrery::test::run_cli;

TEST(SystolicCli, ListMappers) {
  const auto r = run_cli("list mappers");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("systolic: fixed"), std::string::npos) << r.out;
}

TEST(SystolicCli, UnknownMapperIsUsageError) {
  const auto r = run_cli("simulate --arch configs/systolic/tpu_v1.yaml --op gemm:M=8,N=8,K=8 --mapper best");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--mapper: unknown mapper 'best'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fixed"), std::string::npos) << r.err;
}

// spmm is a dense fallback on the array: A (8 x 8, 10 nonzeros) x X (8 x 8 features) is the
// GEMM M = N = K = 8, the worked example of arch/systolic/fold_timing.hpp on a 4x4 ws array:
// 2 x 2 full folds of 2*4 + 4 + 8 - 2 = 18 cycles under SCALE-Sim's CALC formula, 4 x 18 - 1 = 71
// cycles, at both fidelities (the cycle model equals the analytical one under timing: scalesim).
// The useful MACs are nnz x F = 80 (the array does 512); the mapping says it is a fallback.
TEST(SystolicCli, SpmmDenseFallbackHandDerived) {
  for (const char* fidelity : {"analytical", "cycle"}) {
    const auto r = run_cli(
        std::string("simulate --arch configs/systolic/scalesim_google.yaml --set array.rows=4 --set "
                    "array.cols=4 --op spmm:rows=8,cols=8,nnz=10,F=8,dtype=int8 --format json --fidelity ") +
        fidelity);
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["total"]["cycles"].get<int64_t>(), 71) << fidelity;
    EXPECT_EQ(j["total"]["macs"].get<int64_t>(), 80) << fidelity;
    const auto& gemm = j["layers"][0]["mapping"]["gemms"][0];
    EXPECT_NE(gemm["what"].get<std::string>().find("spmm dense fallback"), std::string::npos) << gemm;
    EXPECT_EQ(gemm["folds"]["total"].get<int64_t>(), 4);
  }
}

// tests/data/scalesim_resnet50.csv: ResNet-50 as torchvision defines it (v1.5: stride on the
// 3x3 conv; 1x1 downsample convs; the fc as a 1x1 conv on a 1x1 input), written in SCALE-Sim's
// conv layout with pre-padded input sizes (7x7 conv1: 224 + 2x3 = 230; 3x3 convs: H + 2).
// Its MACs on true (floor) output sizes are 4,089,184,256 = tests/data/zoo_reference.json's
// resnet50 total (PyTorch forward hooks). Under timing: scalesim each layer costs
// folds x cycles-per-fold - 1 with SCALE-Sim's ceil output extent, recomputed here from the CSV.
TEST(SystolicCli, ResNet50TopologyScaleSim) {
  const std::string csv = std::string(ORRERY_SOURCE_DIR) + "/tests/data/scalesim_resnet50.csv";
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  int64_t expected = 0, layers = 0, macs = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string name, f;
    std::getline(ss, name, ',');
    int64_t v[7];
    for (auto& x : v) {
      std::getline(ss, f, ',');
      x = std::stoll(f);
    }
    const int64_t h = v[0], fh = v[2], c = v[4], nf = v[5], s = v[6];
    const int64_t e = (h - fh + s + s - 1) / s;  // ceil((H - F + s) / s)
    const orrery::arch::systolic::GemmDims g{e * e, nf, fh * fh * c};
    expected +=
        orrery::arch::systolic::scalesim_compute_cycles(orrery::arch::systolic::Dataflow::ws, g, 256, 256);
    const int64_t true_e = (h - fh) / s + 1;
    macs += true_e * true_e * nf * fh * fh * c;
    ++layers;
  }
  EXPECT_EQ(layers, 54);
  EXPECT_EQ(macs, 4089184256);
  const auto r =
      run_cli("simulate --arch configs/systolic/scalesim_google.yaml --topology " + csv + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["layers"].size(), 54u);
  EXPECT_EQ(j["total"]["cycles"].get<int64_t>(), expected);
  // conv1 on 230x230, 7x7, stride 2: SCALE-Sim's ceil gives 113x113 outputs (one phantom row and
  // column); timing: exact uses the true 112x112.
  EXPECT_EQ(j["layers"][0]["mapping"]["gemms"][0]["M"].get<int64_t>(), 113 * 113);
  const auto e =
      run_cli("simulate --arch configs/systolic/scalesim_google.yaml --set timing=exact --topology " + csv +
              " --format json");
  ASSERT_EQ(e.code, 0) << e.err;
  const auto je = nlohmann::json::parse(e.out);
  EXPECT_EQ(je["layers"][0]["mapping"]["gemms"][0]["M"].get<int64_t>(), 112 * 112);
  EXPECT_EQ(je["total"]["macs"].get<int64_t>(), 4089184256);
  EXPECT_LT(je["total"]["compute_cycles"].get<int64_t>(), expected);  // exact overlaps fills/drains
}

TEST(SystolicCli, CycleFidelityMatchesAnalyticalScaleSim) {
  const std::string base =
      "simulate --arch configs/systolic/scalesim_google.yaml --op gemm:M=1024,N=1024,K=1024 "
      "--format json --fidelity ";
  const auto a = run_cli(base + "analytical"), c = run_cli(base + "cycle");
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(nlohmann::json::parse(c.out)["total"]["cycles"].get<int64_t>(), 28639);  // published, ws 256x256
  EXPECT_EQ(nlohmann::json::parse(a.out)["total"]["cycles"].get<int64_t>(), 28639);
}

}  // namespace
