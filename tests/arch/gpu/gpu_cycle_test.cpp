// The SystemC cycle model against the analytical model. Each TEST runs in its own process
// (SystemC elaborates once per process); each runs one graph of several GEMMs in one elaboration.
#include <gtest/gtest.h>

#include "arch/registry.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::arch::gpu {
namespace {

workloads::Graph gemms(const std::vector<std::array<int64_t, 3>>& shapes) {
  workloads::Graph g("gemms");
  int i = 0;
  for (auto [m, n, k] : shapes) {
    workloads::GemmParams p;
    p.m = m;
    p.n = n;
    p.k = k;
    std::string name = "g";  // not "g" + to_string(): GCC 12 -Wrestrict false positive (bug 105651)
    name += std::to_string(i++);
    g.add(workloads::make_op(name, p, workloads::DType::fp16));
  }
  return g;
}

std::pair<RunResult, RunResult> both(const config::Resolved& cfg, const workloads::Graph& g) {
  const Family* f = find_family("gpu");
  RunOptions a, c;
  c.fidelity = Fidelity::cycle;
  return {f->simulate(cfg, g, a), f->simulate(cfg, g, c)};
}

// With the effects only the cycle model has switched off (unbounded L2, HBM, shared-memory and
// load-port bandwidth; no latency), the CTA pipeline is pure MMA time and the two agree to
// within 0.5 % (measured: 4096^3 1e-6, 4097x4096x512 3e-5, 1024^3 0.37 %: the residual is the
// first K-step's load before the first MMA of each CTA and SystemC's 1 ps time rounding). (A decode-shaped
// 8x12288x4096 GEMM, whose small tiles put two CTAs on an SM, comes out 0.4 % slower in the cycle model; not
// yet explained, so not asserted.)
TEST(GpuCycle, AgreesExactlyWithoutContentionOrLatency) {
  const auto cfg = load_arch_text(test::gpu_test_config(), "gpu_test.yaml",
                                  {{"hbm.bandwidth_gbps", "1000000"},
                                   {"sm.shared_bandwidth_bytes_per_clk", "1000000"},
                                   {"sm.load_port_bytes_per_clk", "1000000"}});
  const auto [ana, cyc] = both(cfg, gemms({{4096, 4096, 4096}, {1024, 1024, 1024}, {4097, 4096, 512}}));
  ASSERT_EQ(ana.layers.size(), cyc.layers.size());
  for (size_t i = 0; i < ana.layers.size(); ++i)
    EXPECT_NEAR(cyc.layers[i].stats.seconds / ana.layers[i].stats.seconds, 1.0, 5e-3) << ana.layers[i].shape;
}

// On the H100 config the cycle model adds per-step L2/HBM queueing, per-CTA pipeline fill
// (each CTA keeps up to `stages` K-steps of loads in flight) and DRAM latency; for GEMMs of
// several waves it stays within 5 % of the analytical model (measured: 4096^3 +1.6 %, 8192^3
// +0.9 %, 2048x12288x4096 +1.5 %); both are within 7 % of the H100's 1505 us for 8192^3
// (validation/data/ops_h100.csv).
TEST(GpuCycle, WithinFivePercentOnLargeGemms) {
  const auto cfg = load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/gpu/h100_sxm.yaml");
  const auto [ana, cyc] =
      both(cfg, gemms({{4096, 4096, 4096}, {8192, 8192, 8192}, {4097, 4096, 4096}, {2048, 12288, 4096}}));
  for (size_t i = 0; i < ana.layers.size(); ++i) {
    EXPECT_NEAR(cyc.layers[i].stats.seconds / ana.layers[i].stats.seconds, 1.0, 0.05) << ana.layers[i].shape;
    EXPECT_TRUE(cyc.layers[i].timing["kernels"][0].contains("cycle"));
  }
  EXPECT_NEAR(cyc.layers[1].stats.seconds / 1505.248e-6, 1.0, 0.07);
}

// A whole model in the `pytorch` mapping (convs, batch norms, pooling, memsets, small kernels
// at one CTA per SM): the two fidelities agree within 10 % (measured: ResNet-18 batch 1 +6.5 %,
// the cycle model's per-step HBM latency and queueing in the small late-stage convs).
TEST(GpuCycle, WholeModelWithinTenPercent) {
  const auto cfg = load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/gpu/h100_sxm.yaml");
  workloads::zoo::BuildContext ctx;
  const auto [ana, cyc] = both(cfg, workloads::zoo::build_model("resnet18", ctx));
  EXPECT_NEAR(cyc.total.seconds / ana.total.seconds, 1.0, 0.10);
}

// PyTorch's cuDNN layout kernels (NCHW transposes, channel padding, the generic filter transform;
// their element-wise DRAM round trips, Kernel::dram_round_trips) time alike in both fidelities: within
// 10 % per layer (measured: NCHW forward with unaligned channels +4.6 %, NHWC weight gradient
// -2.7 %, the rest of the gap being the implicit GEMM's queueing).
TEST(GpuCycle, ConvLayoutKernelsAgree) {
  const auto cfg = load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/gpu/h100_sxm.yaml");
  workloads::Graph g("convs");
  for (const char* spec : {"conv2d:N=16,C=43,H=64,W=64,K=90,R=3,S=3,stride=1,pad=1,dtype=fp16,layout=nchw",
                           "conv2d:N=16,C=43,H=64,W=64,K=90,R=3,S=3,stride=1,pad=1,dtype=fp16,layout=nhwc,"
                           "pass=backward_weight"}) {
    auto op = workloads::parse_op_spec(spec).ops()[0];
    op.name += std::to_string(g.ops().size());
    g.add(op);
  }
  const auto [ana, cyc] = both(cfg, g);
  ASSERT_EQ(ana.layers.size(), 2u);
  for (size_t i = 0; i < ana.layers.size(); ++i)
    EXPECT_NEAR(cyc.layers[i].stats.seconds / ana.layers[i].stats.seconds, 1.0, 0.10) << ana.layers[i].shape;
}

}  // namespace
}  // namespace orrery::arch::gpu
