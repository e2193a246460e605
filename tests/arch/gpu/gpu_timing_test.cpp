// Hand-derived GPU timing cases (the derivations are in the comments).
#include <gtest/gtest.h>

#include <cmath>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "common/error.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op_spec.hpp"

namespace orrery::arch::gpu {
namespace {

config::Resolved test_cfg() { return load_arch_text(test::gpu_test_config(), "gpu_test.yaml"); }

// The `library` mapper: the kernels cuBLASLt/cuDNN choose when called directly (the harness).
RunResult run(const std::string& op, const std::string& mapper = "library") {
  RunOptions o;
  o.mapper = mapper;
  return find_family("gpu")->simulate(test_cfg(), workloads::parse_op_spec(op), o);
}

// 8192^3 fp16 GEMM, compute-bound (L2 unbounded, efficiency 1). The mapper's best tile is
// 192x128 (it wins on wave quantization despite padding 8192 rows to 43 x 192 = 8256):
// 43 x 64 = 2752 CTAs = 21 waves (20.85) of 192*128*8192*2 / 4096 = 98,304 cycles
// = 2,064,384 busy cycles (256x128 would need 16 x 131,072 = 2,097,152).
// Dynamic energy = 2752 CTAs x 402,653,184 FLOP x 0.6 pJ = 0.664862 J. Timed alone the kernel
// runs at 1980 MHz (the limiter averages over milliseconds): 1.042618 ms. Back to back (graph
// mode, steady state) the power at 1980 MHz is 100 + 0.664862/1.042618e-3 = 737.7 W > 700 W, so
// the clock drops until 100 + E/T = 700: T = E / 600 W = 1.108103 ms, f = 2,064,384 / T = 1862.99 MHz.
TEST(GpuTiming, Gemm8192AtPowerCappedClock) {
  const RunResult r = run("gemm:M=8192,N=8192,K=8192,dtype=fp16");
  EXPECT_NEAR(r.total.seconds, 2064384.0 / 1980e6, 2e-9);
  const auto& k = r.layers[0].mapping["kernels"][0];
  EXPECT_EQ(k["tile"]["m"].get<int64_t>() * k["tile"]["n"].get<int64_t>(), 192 * 128);
  const auto& timed = r.layers[0].timing["kernels"][0];  // how it was timed: beside the mapping
  EXPECT_FALSE(timed["power_capped"].get<bool>());
  EXPECT_NEAR(timed["clock_mhz"].get<double>(), 1980.0, 1e-9);

  const GpuSpec spec = make_spec(test_cfg());
  const auto op = workloads::parse_op_spec("gemm:M=8192,N=8192,K=8192,dtype=fp16");
  const Kernel kernel = mappers::gpu::map_op(op.ops()[0], spec).kernels.at(0);
  const KernelTiming steady = time_kernel(spec, kernel, LaunchMode::graph, true);
  EXPECT_NEAR(steady.seconds, 1.108103e-3, 2e-9);
  EXPECT_TRUE(steady.power_capped);
  EXPECT_NEAR(steady.clock_hz / 1e6, 1862.99, 0.01);
  // Energy = idle 100 W x T + 0.664862 J = 0.775672 J.
  EXPECT_NEAR(steady.energy_j, 0.775672, 2e-6);
}

// 1 GiB copy: reads 1 GiB and writes 1 GiB; the footprint overflows L2, so the writes reach DRAM
// but for the last ones, left dirty in the L2's dirty share (0.7 of 50 MiB) in proportion to the
// written half of the footprint: 2^30 - 0.35 x 52,428,800 B. At 0.9 x 3352 GB/s.
TEST(GpuTiming, OneGibCopyAtAchievableBandwidth) {
  const RunResult r = run("copy:bytes=1073741824");
  const double writes = 1073741824.0 - 0.35 * 52428800.0;
  EXPECT_NEAR(r.total.seconds, (1073741824.0 + writes) / (3352e9 * 0.9), 1e-9);
  EXPECT_EQ(r.total.dram_read_bytes, 1073741824);
  EXPECT_EQ(r.total.dram_write_bytes, writes);
}

// A 16 MiB copy's output stays in the write-back L2 (16 MiB < 0.35 x 50 MiB, its share of the
// dirty lines): only the 16 MiB read reaches DRAM during the kernel.
TEST(GpuTiming, SmallCopyWritesStayInL2) {
  const RunResult r = run("copy:bytes=16777216");
  EXPECT_EQ(r.total.dram_write_bytes, 0);
  EXPECT_NEAR(r.total.seconds, 16777216.0 / (3352e9 * 0.9), 1e-10);
}

// Wave quantization: 133 CTAs on 132 SMs (one resident each) take 2 waves, twice the time of
// 132 CTAs. Tile: 128x128x(64 steps of 64) fp16 = 134,217,728 FLOP / 4096 FLOP/clk = 32,768 cycles.
TEST(GpuTiming, WaveQuantization) {
  const GpuSpec spec = make_spec(test_cfg());
  Kernel k;
  k.engine = Engine::tensor_gemm;
  k.tile_m = k.tile_n = 128;
  k.ctas_per_sm = 1;
  k.flops_per_cta = 2.0 * 128 * 128 * 4096;
  k.ctas = 132;
  const KernelTiming one = time_kernel_at(spec, k, LaunchMode::isolated, 1e9);
  k.ctas = 133;
  const KernelTiming two = time_kernel_at(spec, k, LaunchMode::isolated, 1e9);
  EXPECT_EQ(one.waves, 1);
  EXPECT_EQ(two.waves, 2);
  EXPECT_NEAR(one.seconds, 32768e-9, 1e-12);
  EXPECT_NEAR(two.seconds, 2 * 32768e-9, 1e-12);
}

// fp32 without TF32 runs on the CUDA cores: 2048^3 at 256 FLOP/clk/SM. 128x128 SIMT tiles:
// 256 CTAs = 2 waves of 128*128*2048*2/256 = 262,144 cycles of FFMAs, plus the other
// instructions sharing their issue slots: 128 threads, each per k an 8x16-ish block's fragments
// (2 sqrt(128) / 4 LDS.128) and one more, at 128 lanes per clock (power 100 + 2*2048^3*3 pJ /
// 279 us, under 200 W: no cap).
TEST(GpuTiming, Fp32GemmOnCudaCores) {
  const RunResult r = run("gemm:M=2048,N=2048,K=2048,dtype=fp32");
  EXPECT_EQ(r.layers[0].mapping["kernels"][0]["engine"], "simt_gemm");
  EXPECT_EQ(r.layers[0].mapping["kernels"][0]["kernel"], "gemm_simt_128x128_8x3");
  const double issue = 128.0 * 2048 * (2 * std::sqrt(128.0) / 4 + 1) / 128;
  EXPECT_NEAR(r.total.seconds, 2 * (262144 + issue) / 1.98e9, 1e-9);
}

// A GEMM whose N is not a multiple of 8 fp16 elements leaves the TMA/wgmma path.
TEST(GpuTiming, UnalignedGemmFallsBack) {
  const RunResult r = run("gemm:M=4095,N=4095,K=4095,dtype=fp16");
  EXPECT_EQ(r.layers[0].mapping["kernels"][0]["engine"], "unaligned_gemm");
}

// Odd K: scalar (align1) loads staged through registers by the MMA warps (serial with the
// math); K and N even: 4-byte cp.async vectors that overlap the MMAs.
TEST(GpuTiming, UnalignedGemmLoadPathByAlignment) {
  const RunResult odd = run("gemm:M=4096,N=4096,K=4095,dtype=fp16");
  EXPECT_EQ(odd.layers[0].mapping["kernels"][0]["serial_loads"], true);
  const RunResult even = run("gemm:M=4096,N=4096,K=4094,dtype=fp16");
  EXPECT_EQ(even.layers[0].mapping["kernels"][0]["engine"], "unaligned_gemm");
  EXPECT_FALSE(even.layers[0].mapping["kernels"][0].contains("serial_loads"));
}

// Batched 3x3 depthwise: cuDNN's tiled kernel, tiles of 8x8 output pixels x 64 channels, on
// the grid Nsight Compute shows (ops3_h100_launch.csv): (1, channel groups, z) with
// z = 396 / gcd(groups, 396) for 3 CTAs on each of 132 SMs.
TEST(GpuTiming, DepthwiseTiledGrid) {
  const RunResult r = run("conv2d:N=32,C=96,H=56,W=56,K=96,R=3,S=3,stride=1,pad=1,groups=96,dtype=fp16");
  ASSERT_EQ(r.layers[0].mapping["kernels"].size(), 2u);  // filter preparation, then the tiles
  const auto& k = r.layers[0].mapping["kernels"][1];
  EXPECT_EQ(k["kernel"], "conv_depthwise_tiled_8x8_g64");
  // 96 channels -> 2 groups of 64, z = 198: one pass of 396 CTAs; 32 images x 7 x 7 tiles =
  // 1568 tiles per group over 198 CTAs = 8 rounds: 19 steps for the first, 20 / 3 -> 7 for each
  // later one (3 tiles in flight).
  EXPECT_EQ(k["ctas"], 396);
  EXPECT_EQ(k["dependent_accesses"], 19 + 7 * 7);
  EXPECT_EQ(k["chain_carries_traffic"], true);
  // 960 channels -> 15 groups, gcd(15, 396) = 3 -> z = 132: a grid of 1980 CTAs is 5 passes
  // of the machine, one with tiles (32 per group), 4 that cost 15 steps each without them.
  const RunResult wide = run("conv2d:N=32,C=960,H=7,W=7,K=960,R=3,S=3,stride=1,pad=1,groups=960,dtype=fp16");
  EXPECT_EQ(wide.layers[0].mapping["kernels"][1]["dependent_accesses"], 19 + 4 * 15);
  // 5x5 filters: the stage2 variant, 2 CTAs per SM, one tile in flight (20 steps a round).
  const RunResult five = run("conv2d:N=32,C=64,H=56,W=56,K=64,R=5,S=5,stride=1,pad=2,groups=64,dtype=fp16");
  EXPECT_EQ(five.layers[0].mapping["kernels"][1]["ctas_per_sm"], 2);
  // 1 group, z = 264: 1568 tiles -> 6 rounds.
  EXPECT_EQ(five.layers[0].mapping["kernels"][1]["dependent_accesses"], 19 + 5 * 20);
  // bf16 has no tiled kernel: the direct one, as every bf16 row of the measurements shows.
  const RunResult bf = run("conv2d:N=32,C=64,H=56,W=56,K=64,R=5,S=5,stride=1,pad=2,groups=64,dtype=bf16");
  EXPECT_EQ(bf.layers[0].mapping["kernels"][0]["kernel"], "conv_depthwise_direct");
  // Batch 1: the direct kernel, one thread per output in 1024-thread CTAs: 96 x 3136 / 1024.
  const RunResult one = run("conv2d:N=1,C=96,H=56,W=56,K=96,R=3,S=3,stride=1,pad=1,groups=96,dtype=fp16");
  EXPECT_EQ(one.layers[0].mapping["kernels"][0]["kernel"], "conv_depthwise_direct");
  EXPECT_EQ(one.layers[0].mapping["kernels"][0]["ctas"], 294);
  // Its chain: 13.1 steps, plus per tap load inside the image (at 56x56 with padding 1, 166 of
  // each 168 row taps: 9 x (166/168)^2 = 8.79) 2.35 steps at 16 L1 wavefronts, scaled by the
  // wavefronts a load costs, and 1.06 steps for the share that misses L1 (stride^2 / taps = 1/9
  // of them, a 192-byte pixel filling its line). A warp load is 16 pixels 96 x 2 = 192 bytes
  // apart: byte offsets 0, 64, 0, 64 ... within their 128-byte lines, 8 at each of two 32-byte
  // bank groups -> 8 wavefronts: 13.1 + 8.79 x (2.35 x 8/16 + 1.06 / 9) = 24.5 -> 24.
  EXPECT_EQ(one.layers[0].mapping["kernels"][0]["dependent_accesses"], 24);
  // 64 channels: 128 bytes apart, all 16 at offset 0 -> 16 wavefronts: 13.1 + 21.7 -> 35.
  const RunResult c64 = run("conv2d:N=1,C=64,H=56,W=56,K=64,R=3,S=3,stride=1,pad=1,groups=64,dtype=fp16");
  EXPECT_EQ(c64.layers[0].mapping["kernels"][0]["dependent_accesses"], 35);
  // 80 channels: 160 bytes apart, offsets 0, 32, 64, 96 -> 4 wavefronts: 13.1 + 6.2 -> 19.
  const RunResult c80 = run("conv2d:N=1,C=80,H=56,W=56,K=80,R=3,S=3,stride=1,pad=1,groups=80,dtype=fp16");
  EXPECT_EQ(c80.layers[0].mapping["kernels"][0]["dependent_accesses"], 19);
  // Stride 2 puts the pixels twice as far apart: 96 channels -> 384 bytes, all at offset 0.
  const RunResult s2 = run("conv2d:N=1,C=96,H=112,W=112,K=96,R=3,S=3,stride=2,pad=1,groups=96,dtype=fp16");
  EXPECT_GT(s2.layers[0].mapping["kernels"][0]["dependent_accesses"].get<int>(), 30);
}

}  // namespace
}  // namespace orrery::arch::gpu
