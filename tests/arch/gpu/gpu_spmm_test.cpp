// spmm (graph aggregation) on the GPU: the kernels PyG's GCNConv launches through ATen and the
// cuSPARSE row-split kernel, with hand-derived launch configurations and traffic, and the two
// timing terms they brought (an SM starting its CTAs one after another; dependent steps that
// miss the L2) worked out by hand and against the cycle model.
#include <gtest/gtest.h>

#include <cmath>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/sc/gpu_system.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "mappers/gpu/spmm_kernels.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op_spec.hpp"

namespace orrery::arch::gpu {
namespace {

GpuSpec test_spec() { return make_spec(load_arch_text(test::gpu_test_config(), "gpu_test.yaml")); }

std::vector<Kernel> kernels(const std::string& op, mappers::gpu::Runtime rt, const GpuSpec& spec) {
  const auto g = workloads::parse_op_spec(op);
  return mappers::gpu::map_op(g.ops()[0], spec, rt).kernels;
}

// Sectors of a random row: r + 32 - gcd(r, 32) bytes. 1 KiB rows are whole sectors; 160 B rows
// (40 fp32) 5 sectors; 80 B rows (40 bf16) start 16-byte aligned, so at offset 0 or 16 of a
// sector: [0, 80) and [16, 96) both touch 3 sectors = 96 B; 40 B rows 8-byte aligned: 2 sectors.
TEST(GpuSpmm, SectorBytesOfRandomRows) {
  EXPECT_DOUBLE_EQ(mappers::gpu::sector_bytes(1024), 1024);
  EXPECT_DOUBLE_EQ(mappers::gpu::sector_bytes(160), 160);
  EXPECT_DOUBLE_EQ(mappers::gpu::sector_bytes(80), 96);
  EXPECT_DOUBLE_EQ(mappers::gpu::sector_bytes(40), 64);
}

// spmm rows = cols = 1024, nnz = 4096, F = 64, fp32, PyTorch (PyG) path:
// gather: one CTA per edge: 4096 CTAs; a row is 256 B = 16 vectors of 16 B, rounded up to one
// warp: 32 threads, so 2048 / 32 = 64 would fit but the SM holds at most 32 CTAs. L2 traffic:
// 4096 x 8 B indices + 4096 x 256 B rows read + 4096 x 256 B stored = 2,129,920 B. DRAM reads:
// the indices, then each distinct row once: 1024 x (1 - e^-4) = 1005.24 rows x 256 B (the
// 256 KiB table fits the L2's 0.7 x 50 MiB share, so re-reads hit and no row load waits on DRAM).
// message: 4096 x 64 = 262,144 elements, 512 per CTA: 512 CTAs. zeros: 1024 x 64 x 4 B.
// scatter_add_: 1024 elements per CTA: 256 CTAs, 128 threads (16 per SM), 3 operands x 40 lane
// ops x 1024 = 122,880 lane ops per CTA; one step waits on the streamed source (DRAM).
TEST(GpuSpmm, PygForwardKernelsHandDerived) {
  const GpuSpec spec = test_spec();
  const auto ks =
      kernels("spmm:rows=1024,cols=1024,nnz=4096,F=64,dtype=fp32", mappers::gpu::Runtime::pytorch, spec);
  ASSERT_EQ(ks.size(), 4u);
  EXPECT_NE(ks[0].name.find("vectorized_gather_kernel<16, long>"), std::string::npos) << ks[0].name;
  EXPECT_EQ(ks[0].ctas, 4096);
  EXPECT_EQ(ks[0].ctas_per_sm, 32);
  EXPECT_DOUBLE_EQ(ks[0].l2_bytes, 2129920.0);
  EXPECT_NEAR(ks[0].dram_read_bytes, 32768.0 + 1024.0 * (1.0 - std::exp(-4.0)) * 256.0, 1e-6);
  EXPECT_EQ(ks[0].dependent_accesses, 2);
  EXPECT_DOUBLE_EQ(ks[0].dram_dependent_accesses, 0.0);
  EXPECT_NE(ks[1].name.find("mul"), std::string::npos);
  EXPECT_EQ(ks[1].ctas, 512);
  EXPECT_NE(ks[2].name.find("FillFunctor<fp32>"), std::string::npos);
  EXPECT_DOUBLE_EQ(ks[2].written_bytes, 1024.0 * 64 * 4);
  EXPECT_NE(ks[3].name.find("_scatter_gather_elementwise_kernel<128, 8>"), std::string::npos);
  EXPECT_EQ(ks[3].ctas, 256);
  EXPECT_EQ(ks[3].ctas_per_sm, 16);
  EXPECT_DOUBLE_EQ(ks[3].lane_ops_per_cta, 122880.0);
  EXPECT_DOUBLE_EQ(ks[3].dram_dependent_accesses, 1.0);
  // Source 1 MiB + indices 32 KiB + the atomics: 4096 rows of 256 B into the destination.
  EXPECT_DOUBLE_EQ(ks[3].l2_bytes, 1048576.0 + 32768.0 + 1048576.0);
}

// The backward (A^T dY) ends in index_add_: indexFuncLargeIndex launches min(ceil(262,144 /
// 128), 132 x 8) = 1056 CTAs of 128 threads; each thread walks ceil(262,144 / (1056 x 128)) = 2
// elements, each an index and a source load (from DRAM) before its atomic.
TEST(GpuSpmm, PygBackwardEndsInIndexAdd) {
  const GpuSpec spec = test_spec();
  const auto ks = kernels("spmm:rows=1024,cols=1024,nnz=4096,F=64,dtype=fp32,pass=backward",
                          mappers::gpu::Runtime::pytorch, spec);
  ASSERT_EQ(ks.size(), 4u);
  EXPECT_NE(ks[3].name.find("index_add_"), std::string::npos) << ks[3].name;
  EXPECT_EQ(ks[3].ctas, 1056);
  EXPECT_EQ(ks[3].dependent_accesses, 2);
  EXPECT_DOUBLE_EQ(ks[3].dram_dependent_accesses, 2.0);
  EXPECT_TRUE(ks[3].chain_carries_traffic);
}

// cuSPARSE (library mapper): one kernel, a warp per output row: 1024 / 8 = 128 CTAs; it reads
// the CSR (4096 x (4 + 4) + 1025 x 4 = 36,868 B), gathers the rows and writes 1024 x 256 B once.
TEST(GpuSpmm, CusparseRowSplitHandDerived) {
  const GpuSpec spec = test_spec();
  const auto ks =
      kernels("spmm:rows=1024,cols=1024,nnz=4096,F=64,dtype=fp32", mappers::gpu::Runtime::library, spec);
  ASSERT_EQ(ks.size(), 1u);
  EXPECT_EQ(ks[0].ctas, 128);
  EXPECT_DOUBLE_EQ(ks[0].written_bytes, 262144.0);
  EXPECT_NEAR(ks[0].dram_read_bytes, 36868.0 + 1024.0 * (1.0 - std::exp(-4.0)) * 256.0, 1e-6);
  EXPECT_DOUBLE_EQ(ks[0].useful_flops, 2.0 * 4096 * 64);
}

// A grid of 132 x 32 x 3 tiny CTAs (32 per SM, no bytes): 3 waves, each no shorter than the
// SM starting its 32 CTAs one after another: 3 x 32 x 50 ns = 4.8 us (the test config has no
// latency and no launch cost). The cycle model starts them through one queue per SM: the same.
TEST(GpuSpmm, CtaLaunchFloorHandDerivedBothFidelities) {
  GpuSpec spec = test_spec();
  spec.calibration.cta_launch_s = 50e-9;
  Kernel k;
  k.name = "tiny";
  k.ctas = 132 * 32 * 3;
  k.ctas_per_sm = 32;
  const KernelTiming t = time_kernel_at(spec, k, LaunchMode::graph, spec.max_clock_hz);
  EXPECT_EQ(t.waves, 3);
  EXPECT_NEAR(t.busy_seconds, 4.8e-6, 1e-12);
  const auto sc = sc::run_cycle_model(spec, {k}, {spec.max_clock_hz});
  EXPECT_NEAR(sc.at(0).busy_seconds, 4.8e-6, 1e-10);
}

// One wave of 132 CTAs whose chain is 3 dependent steps, 2 of them missing the L2: 3 x 200 ns +
// 2 x 600 ns (DRAM latency) = 1.8 us, plus the first loads' 600 ns: 2.4 us.
TEST(GpuSpmm, DramDependentStepsWaitTheDramLatency) {
  GpuSpec spec = test_spec();
  spec.calibration.dependent_access_s = 200e-9;
  spec.hbm_latency_s = 600e-9;
  Kernel k;
  k.name = "chain";
  k.ctas = 132;
  k.dependent_accesses = 3;
  k.dram_dependent_accesses = 2;
  const KernelTiming t = time_kernel_at(spec, k, LaunchMode::graph, spec.max_clock_hz);
  EXPECT_NEAR(t.busy_seconds, 2.4e-6, 1e-12);
}

}  // namespace
}  // namespace orrery::arch::gpu
