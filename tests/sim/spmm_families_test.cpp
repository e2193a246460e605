// spmm (graph aggregation, out = A X with A sparse, CSR) on the families that run it, with
// numbers worked out by hand from nnz and the shapes; and gcn (GEMM + spmm layers) through every
// family that runs spmm, at both fidelities. The systolic dense fallback's hand-derived cycles
// are in tests/arch/systolic/systolic_cli_test.cpp (SpmmDenseFallbackHandDerived).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/run_cli.hpp"

namespace orrery {
namespace {

nlohmann::json simulate(const std::string& args) {
  const auto r = test::run_cli("simulate " + args + " --format json");
  EXPECT_EQ(r.code, 0) << args << ": " << r.err;
  return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

// FPGA streaming, spmm rows=8, cols=8, nnz=20, F=4, int8, batch 1, on zcu102_streaming
// (250 MHz, 19.2 GB/s = 76.8 B/cycle). One sparse-gather stage: one nonzero per cycle, the
// 4 features across coarse_out lanes, so C = nnz * ceil(F / coarse_out) = 80 cycles folded.
// DMA in: the CSR arrays (2*20 + 8 + 1 = 49 words of 4 B = 196 B) and X (8 x 4 x 1 B = 32 B) =
// 228 B -> ceil(228 / 76.8) = 3 cycles; out: 8 x 4 B = 32 B -> 1 cycle. The greedy mapper
// unfolds the bottleneck stage coarse_out 1 -> 2 -> 4 (the divisors of F) and stops there:
// C = 20 cycles per image, 4 multipliers of 8 x 8 bits = 2 DSPs (two per DSP48).
// Pipeline: fill = ceil(3 / 8 input rows) = 1 (DMA in) + 1 (DMA out) + 20 (the stage needs its
// whole input) = 22, period 20, so one image takes 42 cycles.
TEST(SpmmFamilies, FpgaStreamingSparseGatherHandDerived) {
  for (const char* fidelity : {"analytical", "cycle"}) {
    SCOPED_TRACE(fidelity);
    const auto j = simulate(
        "--arch configs/fpga/zcu102_streaming.yaml --op spmm:rows=8,cols=8,nnz=20,F=4,dtype=int8 "
        "--fidelity " +
        std::string(fidelity));
    ASSERT_TRUE(j.contains("layers"));
    const auto& layer = j["layers"][0];
    const auto& m = layer["mapping"];
    EXPECT_NE(m["dataflow"].get<std::string>().find("sparse row-wise gather"), std::string::npos) << m;
    EXPECT_EQ(m["folding"]["coarse_out"].get<int64_t>(), 4);
    EXPECT_EQ(m["resources"]["cycles_per_image"].get<int64_t>(), 20);
    EXPECT_EQ(m["resources"]["dsp"].get<int64_t>(), 2);
    EXPECT_EQ(layer["cycles"].get<int64_t>(), 20);
    EXPECT_EQ(layer["macs"].get<int64_t>(), 80);  // nnz x F
    EXPECT_DOUBLE_EQ(layer["utilization"].get<double>(), 1.0);
    if (std::string(fidelity) == "analytical") {
      EXPECT_EQ(j["total"]["cycles"].get<int64_t>(), 42);
    }
  }
}

// Loop nest, spmm rows=4, cols=4, nnz=8, F=16 on simple_weight_stationary: the ELL gather nest
// P = 4 rows x C = ceil(8 / 4) = 2 nonzeros per row x M = 16 features = 128 computes. Every
// element of Inputs[P, C, M] (the gathered X rows) is touched by exactly one iteration, so
// whatever the mapping, DRAM reads each of the 128 once; Weights[P, C] holds the 8 values.
TEST(SpmmFamilies, LoopNestEllGatherCountsHandDerived) {
  const auto j = simulate(
      "--arch configs/loopnest/simple_weight_stationary.yaml --op spmm:rows=4,cols=4,nnz=8,F=16,dtype=fp16 "
      "--search-time 0.5");
  ASSERT_TRUE(j.contains("layers"));
  const auto& layer = j["layers"][0];
  EXPECT_EQ(layer["macs"].get<int64_t>(), 128);
  EXPECT_EQ(layer["mapping"]["parts"][0]["part"], "ell_gather") << layer["mapping"];
  const auto& levels = layer["levels"];
  EXPECT_EQ(levels[0]["computes"].get<int64_t>(), 128);
  const auto& dram = levels[levels.size() - 1];
  EXPECT_EQ(dram["name"], "DRAM");
  EXPECT_EQ(dram["dataspaces"]["Inputs"]["reads"].get<int64_t>(), 128) << dram;
  // The PE array (16 x 16) takes only C and M spatially (its constraints pin P = 1 there), so at
  // most C x M = 32 PEs work at once and the 4 rows take 128 / 32 = 4 cycles, the least any
  // mapping can do; no level's bandwidth binds here, so the search finds those 4 cycles.
  EXPECT_EQ(layer["cycles"].get<int64_t>(), 4);
  EXPECT_EQ(levels[0]["utilized_instances"].get<int64_t>(), 32);
}

// gcn (Cora-sized by default: 2 GCN layers, each a GEMM and an spmm with nnz = edges + nodes)
// through every family, at both fidelities: finite positive totals, and the
// aggregation layers' MACs are nnz x features where the family counts useful MACs.
TEST(SpmmFamilies, GcnRunsOnEveryFamily) {
  for (const char* arch : {"configs/systolic/tpu_v1.yaml", "configs/systolic/edge_32x32.yaml",
                           "configs/fpga/zcu102_streaming.yaml", "configs/fpga/u250_streaming.yaml",
                           "configs/loopnest/eyeriss_like.yaml", "configs/gpu/h100_sxm.yaml",
                           "configs/fpga/zcu102_dpu.yaml", "configs/fpga/vck190_dpu.yaml"})
    for (const char* fidelity : {"analytical", "cycle"}) {
      SCOPED_TRACE(std::string(arch) + " " + fidelity);
      const std::string extra =
          std::string(arch).find("loopnest") != std::string::npos ? " --search-time 0.2" : "";
      const auto j =
          simulate(std::string("--arch ") + arch + " --model gcn:nodes=256,edges=1024 --dtype int8" +
                   " --fidelity " + fidelity + extra);
      ASSERT_TRUE(j.contains("total"));
      EXPECT_GT(j["total"]["cycles"].get<int64_t>(), 0);
      EXPECT_TRUE(std::isfinite(j["total"]["energy_j"].get<double>()));
      EXPECT_GT(j["total"]["energy_j"].get<double>(), 0);
      bool saw_spmm = false;
      for (const auto& l : j["layers"])
        if (l["op"] == "spmm") {
          saw_spmm = true;
          EXPECT_GT(l["cycles"].get<int64_t>(), 0) << l["name"];
        }
      EXPECT_TRUE(saw_spmm);
    }
}

// orrery --train of gcn on the GPU (PyTorch's kernels): each aggregation has its backward
// (dX = A^T dY, an spmm over the transposed adjacency) ending in index_add_, at both fidelities;
// the forward's scatter_add_ and the backward's index_add_ move the same atomics, so the two
// spmm of a layer have the same MACs (nnz x F). Under bf16 autocast the messages are fp32 (the
// edge weights are) and the backward casts them to the 16-bit features before index_add_.
TEST(SpmmFamilies, GcnTrainsOnTheGpu) {
  for (const char* fidelity : {"analytical", "cycle"})
    for (const char* dtype : {"fp32", "bf16"}) {
      SCOPED_TRACE(std::string(fidelity) + " " + dtype);
      const auto j =
          simulate(std::string("--arch configs/gpu/h100_sxm.yaml --model gcn:nodes=256,edges=1024 ") +
                   "--train --optimizer adamw --dtype " + dtype + " --fidelity " + fidelity);
      ASSERT_TRUE(j.contains("layers"));
      int forward = 0, backward = 0;
      bool cast = false;
      for (const auto& l : j["layers"]) {
        if (l["op"] != "spmm") continue;
        const bool bwd = l["name"].get<std::string>().find(".grad.") != std::string::npos;
        (bwd ? backward : forward)++;
        EXPECT_GT(l["seconds"].get<double>(), 0) << l["name"];
        const auto& ks = l["mapping"]["kernels"];
        EXPECT_NE(ks.back()["kernel"].get<std::string>().find(bwd ? "index_add_" : "scatter_add_"),
                  std::string::npos)
            << l["name"];
        for (const auto& k : ks)
          cast |= k["kernel"].get<std::string>().find("bf16_copy") != std::string::npos;
      }
      EXPECT_EQ(forward, 2);
      EXPECT_EQ(backward, 2);
      EXPECT_EQ(cast, std::string(dtype) == "bf16");
    }
}

}  // namespace
}  // namespace orrery
