// How ops become library kernels on the GPU (mappers/gpu/): the kernels PyTorch/cuBLAS/cuDNN
// launch for them, and the traffic rules behind them. Golden numbers are hand-derived in the
// comments from the kernel names the H100 measurements show (validation/data/ncu_h100.csv,
// model_kernels_h100.csv).
#include <gtest/gtest.h>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "mappers/gpu/attention_kernels.hpp"
#include "mappers/gpu/gemm_kernels.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "tests/workloads/zoo_reference.hpp"
#include "workloads/op_spec.hpp"

namespace orrery::arch::gpu {
namespace {

GpuSpec spec_with(const std::string& extra = "") {
  return make_spec(load_arch_text(test::gpu_test_config(extra), "gpu_test.yaml"));
}

mappers::gpu::GpuMapping map(const std::string& op, const GpuSpec& spec) {
  return mappers::gpu::map_op(workloads::parse_op_spec(op).ops()[0], spec);
}

// One op of a zoo model, mapped (the test fails if the model has no op of that name).
mappers::gpu::GpuMapping map_zoo_op(const std::string& model, const std::string& op, const GpuSpec& spec) {
  const workloads::Graph g = test::build(model);
  const workloads::Op* found = test::find_op(g, op);
  EXPECT_NE(found, nullptr) << model << " has no op " << op;
  return found ? mappers::gpu::map_op(*found, spec) : mappers::gpu::GpuMapping{};
}

// TMA multicast (nvjet_..._128x256_..._2x1): a 128x256 tile runs in clusters of two along M
// that share the 256-column B panel. 1024^3 fp16: 8 x 4 = 32 CTAs, each reading 128 rows of A
// and half of its 256 B columns over K = 1024 at 2 B: 32 x (128 + 128) x 1024 x 2 = 16,777,216 B,
// plus C 1024 x 1024 x 2 = 2,097,152 B.
TEST(GpuLowering, ClusterMulticastHalvesTheSharedPanel) {
  const GpuSpec spec = spec_with();
  mappers::gpu::GemmProblem p;
  p.m = p.n = p.k = 1024;
  const Kernel k = mappers::gpu::make_gemm_kernel(p, spec, 128, 256, 1, false);
  EXPECT_EQ(k.ctas, 32);
  EXPECT_DOUBLE_EQ(k.l2_bytes, 16777216.0 + 2097152.0);
  // Unaligned (CUTLASS 2.x) kernels have no clusters: both panels are read by every CTA.
  p.aligned = false;
  p.align_elems = 1;
  const Kernel u = mappers::gpu::make_gemm_kernel(p, spec, 128, 256, 1, false);
  EXPECT_DOUBLE_EQ(u.l2_bytes, 32.0 * (128 + 256) * 1024 * 2 + 2097152.0);
}

// cuDNN's sm90 implicit-GEMM convs (ops4_h100_ncu.csv: grid (30, 4, 1) of 384-thread CTAs for
// 196 and 392 tiles, (98, 1, 1) for 98): one CTA per SM; a grid beyond the SMs becomes a
// persistent grid of 4-CTA clusters (the test config sets 120 slots), each cluster 2 x 2 tiles
// reading each operand panel from L2 once per pair, while every CTA still receives whole panels.
// M = 25088 (8 x 56 x 56), N = 128, K = 576 at 128x128: 196 x 1 tiles, one tile wide, so the
// cluster lines up along M and its 4 CTAs share the one B panel: per CTA A 128 x 576 x 2 plus
// B 128 x 576 x 2 / 4 from L2 = 147,456 + 36,864 B; through the SM ports 294,912 B; plus C
// 25088 x 128 x 2 = 6,422,528 B either way. Setup: conv_setup_us (2 us here) x 128x128 / 128x128.
TEST(GpuLowering, CudnnConvPersistentClusterGrid) {
  const GpuSpec spec =
      make_spec(load_arch_text(test::gpu_test_config(), "gpu_test.yaml",
                               {{"sm.cluster4_ctas", "120"}, {"calibration.conv_setup_us", "2"}}));
  mappers::gpu::GemmProblem p;
  p.implicit = true;
  p.m = 25088;
  p.n = 128;
  p.k = 576;
  p.a_dram_bytes = 8.0 * 64 * 56 * 56 * 2;
  const Kernel k = mappers::gpu::make_gemm_kernel(p, spec, 128, 128, 1, false);
  EXPECT_EQ(k.ctas, 196);
  EXPECT_EQ(k.ctas_per_sm, 1);
  EXPECT_EQ(k.max_resident_ctas, 120);
  EXPECT_EQ(resident_slots(spec, k), 120);
  EXPECT_DOUBLE_EQ(k.l2_bytes, 196.0 * (147456.0 + 36864.0) + 6422528.0);
  EXPECT_DOUBLE_EQ(k.sm_bytes, 196.0 * 294912.0 + 6422528.0);
  EXPECT_DOUBLE_EQ(k.setup_s, 2e-6);
  // 196 tiles take two rounds of the 120-CTA grid: two waves, the second of 76 CTAs.
  EXPECT_EQ(time_kernel_at(spec, k, LaunchMode::isolated, spec.max_clock_hz).waves, 2);
  // 2 x 2 clusters where the grid is at least two tiles each way: N = 256 -> both panels halved.
  p.n = 256;
  const Kernel w = mappers::gpu::make_gemm_kernel(p, spec, 128, 128, 1, false);
  EXPECT_DOUBLE_EQ(w.l2_bytes, 392.0 * (147456.0 / 2 + 147456.0 / 2) + 25088.0 * 256 * 2);
  // 98 tiles fit one wave: an ordinary grid.
  p.m = 12544;
  p.n = 128;
  EXPECT_EQ(mappers::gpu::make_gemm_kernel(p, spec, 128, 128, 1, false).max_resident_ctas, 0);
}

// cuBLASLt's split-K GEMMs end with a splitKreduce kernel: it reads split x M x N fp32 partials
// and writes the 16-bit C. 128 x 128 x 65536 has at most 8 output tiles for 132 SMs, so the
// library splits K.
TEST(GpuLowering, SplitKGemmLaunchesItsReduceKernel) {
  const GpuSpec spec = make_spec(load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/gpu/h100_sxm.yaml"));
  const auto m = map("gemm:M=128,N=128,K=65536,dtype=fp16", spec);
  ASSERT_GE(m.kernels.size(), 1u);
  const int64_t split = m.kernels[0].split_k;
  ASSERT_GT(split, 1) << m.kernels[0].name;
  ASSERT_EQ(m.kernels.size(), 2u);
  EXPECT_EQ(m.kernels[1].name, "gemm_splitk_reduce");
  EXPECT_DOUBLE_EQ(m.kernels[1].l2_bytes, static_cast<double>(split) * 128 * 128 * 4 + 128 * 128 * 2);
}

// cuDNN's sm90 implicit-GEMM convolutions run the whole reduction in one CTA
// ("execute_segment_k_off") unless it is very long: a batch-1 3x3 conv on 7x7x512 (M = 49, N = 512, K = 4608)
// stays at 8 CTAs of 64x64 rather than being split along K.
TEST(GpuLowering, ImplicitGemmConvDoesNotSplitK) {
  const GpuSpec spec = spec_with();
  const auto m = map("conv2d:N=1,C=512,H=7,W=7,K=512,R=3,S=3,stride=1,pad=1,dtype=fp16", spec);
  ASSERT_EQ(m.kernels.size(), 1u);
  EXPECT_EQ(m.kernels[0].split_k, 1);
  EXPECT_EQ(m.kernels[0].k_iters, 4608 / 64);
  // 3x3x3 over 256 channels (108 K-steps, the calibration row with segment_k_on): still whole.
  const auto mid = map("conv3d:N=1,C=256,D=4,H=14,W=14,K=256,T=3,R=3,S=3,stride=1,pad=1,dtype=fp16", spec);
  EXPECT_EQ(mid.kernels[0].split_k, 1);
  // Over 512 channels (216 K-steps, 16 tiles of 64x64): two segments of 108 steps, reduced in
  // the kernel (no separate reduce kernel, unlike cuBLAS's splitKreduce).
  const auto deep = map("conv3d:N=1,C=512,D=2,H=7,W=7,K=512,T=3,R=3,S=3,stride=1,pad=1,dtype=fp16", spec);
  ASSERT_EQ(deep.kernels.size(), 1u);
  EXPECT_EQ(deep.kernels[0].split_k, 2);
  EXPECT_EQ(deep.kernels[0].k_iters, 216 / 2);
}

// PyTorch eager inference batch norm (channels-last): cast the running stats, 1/sqrt(var+eps)
// per channel, then the transform; 3 kernels (the profile of torchvision's ResNet-18 shows 20
// batch norms as 60 kernels).
TEST(GpuLowering, BatchNormIsThreeKernels) {
  const auto m = map_zoo_op("resnet18", "layer1.0.bn1", spec_with());
  ASSERT_EQ(m.kernels.size(), 3u);
  EXPECT_EQ(m.kernels[0].name, "batchnorm_stats_cast");
  EXPECT_EQ(m.kernels[1].name, "batchnorm_invstd");
  EXPECT_EQ(m.kernels[2].name, "batchnorm_transform");
  // The transform streams the 64 x 56 x 56 fp16 activations in and out once (plus parameters).
  EXPECT_GE(m.kernels[2].l2_bytes, 2.0 * 64 * 56 * 56 * 2);
  EXPECT_LT(m.kernels[2].l2_bytes, 2.0 * 64 * 56 * 56 * 2 + 4096);
}

// torchvision's VGG convs carry a bias: PyTorch runs cuDNN's conv, then a broadcasting add.
TEST(GpuLowering, ConvBiasIsASeparateKernel) {
  const auto m = map_zoo_op("vgg16", "features.0", spec_with());
  ASSERT_EQ(m.kernels.size(), 2u);
  EXPECT_EQ(m.kernels[1].name, "conv_bias_add");
}

// The L2 runs in its own clock domain: halving the SM clock leaves an L2-bound wave's memory
// time unchanged. 1 GB of L2 traffic at 5120 B/clk x 1000 MHz = 5.12e12 B/s: 195.3125 us.
TEST(GpuLowering, L2BandwidthIgnoresTheSmClock) {
  const GpuSpec spec =
      make_spec(load_arch_text(test::gpu_test_config(), "gpu_test.yaml",
                               {{"l2.bandwidth_bytes_per_clk", "5120"}, {"l2.clock_mhz", "1000"}}));
  Kernel k;
  k.engine = Engine::stream;
  k.ctas = 132;
  k.l2_bytes = 1e9;
  const KernelTiming fast = time_kernel_at(spec, k, LaunchMode::graph, 1980e6);
  const KernelTiming slow = time_kernel_at(spec, k, LaunchMode::graph, 990e6);
  EXPECT_NEAR(fast.memory_seconds, 1e9 / 5.12e12, 1e-12);
  EXPECT_NEAR(slow.memory_seconds, fast.memory_seconds, 1e-12);
}

// Causal FlashAttention-2: query block i of 128 visits min(8, i + 1) key blocks of 128 at
// S = 1024, d = 64 (1..8, 4.5 on average). 1 x 12 heads = 96 CTAs on 132 SMs: one per SM, so
// the kernel lasts as long as its longest CTA, 8 blocks. 4 x 16 heads = 512 CTAs, assigned
// (longest first within each head) to the least-loaded SM: the busiest SM gets 22 blocks, and
// the wave model charges 2 waves x 2 resident CTAs per SM, so 22 / 4 = 5.5 blocks per CTA.
TEST(GpuLowering, CausalAttentionTimesItsBusiestSm) {
  const GpuSpec spec = spec_with();
  // 1 x 12 heads x 16 query blocks of 64 = 192 < 0.8 x 264: FlashAttention-2 splits the keys
  // (4 blocks of 256) 4 ways (wave efficiency 768 / 264 / 3 = 0.97; 1 and 2 ways give 0.73, 3
  // ways is no different from 2), as the measured kernel name shows. A causal CTA stops at the
  // diagonal: query block m reaches ceil(64 (m + 1) / 256) key blocks, one per split, so the 16
  // blocks visit 4 x (1 + 2 + 3 + 4) = 40 of their 64 (block, split) pairs.
  const auto one = map("attention:B=1,H=12,S=1024,D=64,causal=1,dtype=fp16", spec).kernels.at(0);
  EXPECT_EQ(one.name, "flash_fwd_splitkv_4");
  EXPECT_EQ(one.ctas, 12 * 16 * 4);
  EXPECT_DOUBLE_EQ(one.flops_per_cta, 4.0 * 64 * (40.0 / 64 * 256) * 64);
  const auto many = map("attention:B=4,H=16,S=1024,D=64,causal=1,dtype=fp16", spec).kernels.at(0);
  EXPECT_EQ(many.ctas, 512);
  EXPECT_DOUBLE_EQ(many.flops_per_cta, 4.0 * 128 * (5.5 * 128) * 64);
  // The useful work stays the causal half.
  EXPECT_DOUBLE_EQ(many.useful_flops, 4.0 * 4 * 16 * 1024.0 * 1024 * 64 * 0.5);
}

// Decode with FlashAttention-2. 1 x 32 heads leave SMs idle (32 < 0.8 x 2 x 132): the 32 key
// blocks of 128 split s ways with wave efficiency 32 s / 264 (s <= 8): the best is 0.97 at 8,
// and 7 is the fewest within 85 % of it (0.85). The split-KV kernel computes a 64-row query block
// (its one real row padded) over ceil(32 / 7) = 5 blocks, 640 keys; 32 x 7 = 224 CTAs, then the
// combine. 32 x 32 heads fill the SMs: no split, the regular kernel's 128-row block over 64
// blocks of 64 keys.
TEST(GpuLowering, DecodeAttentionPadsTheQueryBlock) {
  const GpuSpec spec = spec_with();
  const auto split = map("attention:B=1,H=32,S=1,D=128,kv=4096,dtype=fp16", spec);
  ASSERT_EQ(split.kernels.size(), 2u);
  EXPECT_EQ(split.kernels[0].name, "flash_fwd_splitkv_7");
  EXPECT_EQ(split.kernels[0].ctas, 224);
  EXPECT_DOUBLE_EQ(split.kernels[0].flops_per_cta, 4.0 * 64 * 640 * 128);
  EXPECT_EQ(split.kernels[1].name, "flash_fwd_splitkv_combine");
  const auto whole = map("attention:B=32,H=32,S=1,D=128,kv=4096,dtype=fp16", spec);
  ASSERT_EQ(whole.kernels.size(), 1u);
  EXPECT_EQ(whole.kernels[0].name, "flash_fwd_128x64_d128_decode");
  EXPECT_EQ(whole.kernels[0].ctas, 1024);
  EXPECT_DOUBLE_EQ(whole.kernels[0].flops_per_cta, 4.0 * 128 * 4096 * 128);
  // FlashAttention-2's split heuristic on its own: a grid over 80 % of the slots never splits;
  // the two cases above.
  EXPECT_EQ(mappers::gpu::fa2_num_splits(300, 264, 64, 128), 1);
  EXPECT_EQ(mappers::gpu::fa2_num_splits(32, 264, 32, 128), 7);
  EXPECT_EQ(mappers::gpu::fa2_num_splits(192, 264, 4, 128), 4);
  // The useful work is the one real row's.
  EXPECT_DOUBLE_EQ(whole.kernels[0].useful_flops, 4.0 * 32 * 32 * 4096 * 128);
}

// Unaligned GEMMs (odd sides): cuBLASLt falls back to CUTLASS 2.x kernels; for one small GEMM
// (all sides below ~520) the 32x32 wmma kernel, otherwise the larger tiles (ops_h100.csv and
// ops3_h100.csv kernel names: ..._wmma_tensorop_..._32x32_... for 127^3, 255^3, 511x513x257).
TEST(GpuLowering, SmallUnalignedGemmTakesTheWmmaTile) {
  const GpuSpec spec = spec_with();
  const Kernel small = map("gemm:M=127,N=127,K=127,dtype=fp16", spec).kernels.at(0);
  EXPECT_EQ(small.tile_m * small.tile_n, 32 * 32);
  const Kernel batched = map("gemm:B=8,M=127,N=127,K=127,dtype=fp16", spec).kernels.at(0);
  EXPECT_GT(batched.tile_m * batched.tile_n, 32 * 32);
  const Kernel large = map("gemm:M=1023,N=1025,K=2047,dtype=fp16", spec).kernels.at(0);
  EXPECT_GT(large.tile_m * large.tile_n, 32 * 32);
}

// A 1x1 stride-1 convolution over NHWC is a GEMM, which cuDNN hands to cuBLAS (nvjet kernel names
// in ops_h100.csv); with a stride it stays cuDNN's implicit GEMM.
TEST(GpuLowering, PointwiseConvIsAGemm) {
  const GpuSpec spec = spec_with();
  const Kernel pw =
      map("conv2d:N=8,C=256,H=56,W=56,K=64,R=1,S=1,stride=1,pad=0,dtype=fp16", spec).kernels.at(0);
  EXPECT_EQ(pw.engine, Engine::tensor_gemm);
  EXPECT_EQ(pw.name.rfind("conv_gemm", 0), 0u) << pw.name;
  const Kernel strided =
      map("conv2d:N=8,C=256,H=56,W=56,K=64,R=1,S=1,stride=2,pad=0,dtype=fp16", spec).kernels.at(0);
  EXPECT_EQ(strided.engine, Engine::implicit_gemm);
}

}  // namespace
}  // namespace orrery::arch::gpu
