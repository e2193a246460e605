// The `pytorch` GPU mapper: the ATen kernels PyTorch launches where it does not call
// cuBLAS/cuDNN, with launch configurations derived by hand below from the ATen sources
// (Normalization.cuh flexible_launch_configs, DilatedMaxPool2d.cu's NHWC path), and the paths
// the H100 graph replays show (validation/data/model_graph_kernels_h100.csv).
#include <gtest/gtest.h>

#include <algorithm>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::arch::gpu {
namespace {

using mappers::gpu::Runtime;

// The PyTorch runs measured here held their activations channels-last (validation/README.md).
const char* const kChannelsLast = "software: {layout: nhwc}\n";

GpuSpec test_spec() {
  return make_spec(load_arch_text(test::gpu_test_config(kChannelsLast), "gpu_test.yaml"));
}

// The test config with one piece of its text replaced (a key added beside an existing one).
GpuSpec test_spec_replacing(const std::string& from, const std::string& to) {
  std::string text = test::gpu_test_config(kChannelsLast);
  text.replace(text.find(from), from.size(), to);
  return make_spec(load_arch_text(text, "gpu_test.yaml"));
}

mappers::gpu::GpuMapping map(const std::string& op, Runtime rt = Runtime::pytorch) {
  return mappers::gpu::map_op(workloads::parse_op_spec(op).ops()[0], test_spec(), rt);
}

RunResult run(const std::string& op, Fidelity fidelity) {
  RunOptions o;
  o.mapper = "pytorch";
  o.fidelity = fidelity;
  return find_family("gpu")->simulate(load_arch_text(test::gpu_test_config(kChannelsLast), "gpu_test.yaml"),
                                      workloads::parse_op_spec(op), o);
}

// ResNet's first batch norm, N=1, C=64, 112x112: stride 64, reduction 12,544 rows.
// block_x = min(lastPow2(64), 32) = 32; block_y = min(lastPow2(ceil(12544 / 16) = 784) = 512,
// 512 / 32) = 16 (512 threads); grid = (64 / 32 = 2, min(ceil(12544 / 256) = 49, 128) = 49).
// Each thread covers 12544 / (16 x 49) = 16 rows in ceil(12544 / 3136) = 4 passes of 4 loads:
// 98 CTAs, 2 x 4 = 8 dependent steps. At N=64, C=64, 56x56 the grid's y stops at 128: 256 CTAs
// and ceil(200704 / 8192) = 25 passes (50 steps). The stats cast and invstd kernels come first.
TEST(GpuPytorchLowering, BatchNormTransformLaunchConfig) {
  const auto m = map("batchnorm:N=1,C=64,H=112,W=112,dtype=fp16");
  ASSERT_EQ(m.kernels.size(), 3u);
  EXPECT_EQ(m.kernels[0].name, "batchnorm_stats_cast");
  const Kernel& k = m.kernels[2];
  EXPECT_EQ(k.name, "batch_norm_transform_channels_last");
  EXPECT_EQ(k.ctas, 98);
  EXPECT_EQ(k.ctas_per_sm, 4);  // 2048 threads / 512
  EXPECT_EQ(k.dependent_accesses, 8);
  const Kernel big = map("batchnorm:N=64,C=64,H=56,W=56,dtype=fp16").kernels[2];
  EXPECT_EQ(big.ctas, 256);
  EXPECT_EQ(big.dependent_accesses, 50);
  // The per-channel statistics have C elements whatever the batch: 64 fp16 read, 64 fp32 written.
  EXPECT_DOUBLE_EQ(map("batchnorm:N=64,C=64,H=56,W=56,dtype=fp16").kernels[0].l2_bytes, 64.0 * 2 + 64.0 * 4);
  // A volume (channels_last_3d) takes the generic broadcasting kernel: 6 operands x 40 lane
  // instructions for each of the 512 elements of a 128-thread CTA.
  const Kernel vol = map("batchnorm:N=1,C=64,D=4,H=28,W=28,dtype=fp16").kernels[2];
  EXPECT_EQ(vol.name, "batch_norm_elementwise");
  EXPECT_EQ(vol.ctas, 64 * 4 * 28 * 28 / 512);
  EXPECT_DOUBLE_EQ(vol.lane_ops_per_cta, 40.0 * 6 * 512);
  // The library mapper keeps the streaming model of the transform.
  EXPECT_EQ(map("batchnorm:N=1,C=64,H=112,W=112,dtype=fp16", Runtime::library).kernels[2].dependent_accesses,
            0);
}

// ResNet's max pool (N=1, C=64, 112x112 -> 56x56, 3x3, stride 2): block_x = min(32, 64) = 32,
// block_y = min(lastPow2(56) = 32, 1024 / 32) = 32, block_z = min(32, 1024 / 32 / 32) = 1,
// block_x = min(64, 1024 / 32) = 32; kernel_stride_C = ceil(64 / 128) = 1, kernel_size_C =
// ceil(64 / 32) = 2; grid = (1, ceil(56 / 64) = 1, ceil(56 / 2) = 28). Each thread owns
// ceil(56 / 28) = 2 rows x ceil(56 / 32) = 2 columns x 9 taps x 2 channel slices = 72 steps.
// Timed on the test config (no latency, L2 unbounded but each SM's load path is 64 B/clk):
// 28 CTAs on 28 SMs move 1,605,632 B in and 200,704 x (2 + 8 index bytes) out:
// 3,612,672 B / (28 x 64 B x 1.98 GHz) + 72 x 270 ns (dependent_access_ns's default).
TEST(GpuPytorchLowering, MaxPoolNhwcStepsAndTime) {
  const auto m = map("maxpool:N=1,C=64,H=112,W=112,R=3,S=3,stride=2,pad=1,dtype=fp16");
  ASSERT_EQ(m.kernels.size(), 1u);
  const Kernel& k = m.kernels[0];
  EXPECT_EQ(k.ctas, 28);
  EXPECT_EQ(k.dependent_accesses, 72);
  const double expect = 3612672.0 / (28.0 * 64.0 * 1.98e9) + 72 * 270e-9;
  EXPECT_NEAR(time_kernel(test_spec(), k, LaunchMode::graph, false).busy_seconds, expect, 1e-12);
  // The cycle model serializes the same steps in each CTA after its loads: it agrees within 1 %.
  const RunResult a =
      run("maxpool:N=1,C=64,H=112,W=112,R=3,S=3,stride=2,pad=1,dtype=fp16", Fidelity::analytical);
  const RunResult c = run("maxpool:N=1,C=64,H=112,W=112,R=3,S=3,stride=2,pad=1,dtype=fp16", Fidelity::cycle);
  EXPECT_NEAR(c.total.seconds / a.total.seconds, 1.0, 0.01);
}

// A global average pool is ATen's mean reduction (12 steps plus one per 512 values); past 1024
// values per output the reduction spans CTAs and zeroes its accumulators in a memset node.
TEST(GpuPytorchLowering, GlobalAveragePoolIsAReduction) {
  const auto small = map("avgpool:N=1,C=512,H=7,W=7,R=7,S=7,dtype=fp16");
  ASSERT_EQ(small.kernels.size(), 1u);
  EXPECT_EQ(small.kernels[0].dependent_accesses, 12 + 1);
  const auto large = map("avgpool:N=1,C=112,H=56,W=56,R=56,S=56,dtype=fp16");
  ASSERT_EQ(large.kernels.size(), 2u);
  EXPECT_TRUE(large.kernels[0].memset);
  EXPECT_EQ(large.kernels[1].dependent_accesses, 12 + 7);  // ceil(3136 / 512) = 7
}

// A memset node costs its fill plus launch.memset_node_us beyond a kernel's graph overhead.
TEST(GpuPytorchLowering, MemsetNodeCostInAGraph) {
  const GpuSpec spec =
      test_spec_replacing("graph_overhead_us: 0}", "graph_overhead_us: 1, memset_node_us: 5.5}");
  const auto m = mappers::gpu::map_op(
      workloads::parse_op_spec("avgpool:N=1,C=112,H=56,W=56,R=56,S=56,dtype=fp16").ops()[0], spec,
      Runtime::pytorch);
  const KernelTiming memset = time_kernel(spec, m.kernels[0], LaunchMode::graph, false);
  EXPECT_NEAR(memset.seconds - memset.busy_seconds, 1e-6 + 5.5e-6, 1e-15);
  const KernelTiming reduce = time_kernel(spec, m.kernels[1], LaunchMode::graph, false);
  EXPECT_NEAR(reduce.seconds - reduce.busy_seconds, 1e-6, 1e-15);
}

// LayerNorm: one 128-thread CTA per row (16 resident: 2048 threads / 128), 768 fp16 columns = 1
// vector of 8 per thread. 197 rows fit one wave (132 x 16), so the second pass waits on cold
// gamma/beta too: 2 DRAM round trips, and the 2 block-reduction steps. 64 rows x 4096 columns:
// 4 vectors, 8 round trips. The library mapper's own kernel (the harness) is a streaming row kernel.
TEST(GpuPytorchLowering, LayerNormRows) {
  const Kernel k = map("layernorm:rows=197,cols=768,dtype=fp16").kernels.at(0);
  EXPECT_EQ(k.name, "vectorized_layer_norm");
  EXPECT_EQ(k.ctas, 197);
  EXPECT_EQ(k.ctas_per_sm, 16);
  // layer_norm_kernel.cu's vec_size = 4 elements whatever the dtype: 768 / (128 x 4) -> 2 vectors
  // a thread, each a round trip in the Welford pass and again in the second (one wave: gamma and
  // beta cold).
  EXPECT_EQ(k.dram_round_trips, 2 + 2);
  EXPECT_EQ(k.dependent_accesses, 2);
  EXPECT_TRUE(k.chain_carries_traffic);
  EXPECT_EQ(map("layernorm:rows=64,cols=4096,dtype=fp16").kernels.at(0).dram_round_trips, 2 * 8);
  // rms_norm's sum of squares pipelines its loads: one round trip, then the second pass's 2.
  EXPECT_EQ(map("rmsnorm:rows=197,cols=768,dtype=fp16").kernels.at(0).dram_round_trips, 1 + 2);
  // 5000 rows: more than a wave; gamma and beta are on chip after the first: a round trip per
  // vector, the re-read from the L2 a dependent step per vector.
  const Kernel many = map("layernorm:rows=5000,cols=768,dtype=fp16").kernels.at(0);
  EXPECT_EQ(many.dram_round_trips, 2);
  EXPECT_EQ(many.dependent_accesses, 2 + 2);
  // Rows of whole 4-element vectors take the vectorized kernel (772 fp16: not whole 16-byte
  // vectors, still whole 4-element ones); others RowwiseMoments + LayerNormForward.
  EXPECT_EQ(map("layernorm:rows=197,cols=772,dtype=fp16").kernels.size(), 1u);
  EXPECT_EQ(map("layernorm:rows=197,cols=770,dtype=fp16").kernels.at(0).name, "RowwiseMomentsCUDAKernel");
  // RowwiseMoments' loop stores nothing: four iterations' loads in flight, so 14,626 columns over
  // 256 threads (58 iterations) wait 15 round trips; LayerNormForward's loop stores each element
  // and waits every iteration's load (58).
  const auto two = map("layernorm:rows=5,cols=14626,dtype=fp16").kernels;
  EXPECT_EQ(two.at(0).dram_round_trips, 15);
  EXPECT_EQ(two.at(1).dram_round_trips, 58);
  // The Welford reduction's issue work: 128 threads x (170 + 160) plus 16 per element; RMS norm's
  // sum of squares: 128 x (170 + 20) plus 4 per element.
  EXPECT_DOUBLE_EQ(k.lane_ops_per_cta, 128.0 * 330.0 + 16.0 * 768.0);
  EXPECT_DOUBLE_EQ(map("rmsnorm:rows=197,cols=768,dtype=fp16").kernels.at(0).lane_ops_per_cta,
                   128.0 * 190.0 + 4.0 * 768.0);
  const Kernel lib = map("layernorm:rows=197,cols=768,dtype=fp16", Runtime::library).kernels.at(0);
  EXPECT_TRUE(lib.row_per_cta);
  EXPECT_EQ(lib.dependent_accesses, 0);
}

// RGB stems (3 channels = 6 bytes, not a 16-byte vector): cuDNN's gather kernel, 128x32 tiles.
// 224x224 -> 112x112 with a 7x7 filter: ceil(12544 / 128) = 98 x ceil(64 / 32) = 2 = 196 CTAs,
// 49 taps x ceil(3 / 16) = 49 dependent K steps. Both mappers (the harness ran it too). At
// batch 8 and above with a 7x7 filter cuDNN pads the channels to 8 first (two memsets, two
// padding kernels, then the implicit GEMM).
// PyTorch's use_cudnn_depthwise on NCHW inputs (Convolution.cpp): cuDNN only for fp16 with 32+
// channels and a 1x1/3x3/5x5 filter on an input 7+ wide, at stride 1, or at stride 2 for a batch
// of one or 512+ channels (256+ when 28+ wide); the rest run ATen's conv_depthwise2d kernels.
TEST(GpuPytorchLowering, DepthwiseNchwGoesToCudnnAsPytorchDecides) {
  const auto first = [](const std::string& conv) { return map(conv).kernels.at(0).name; };
  const std::string aten = "conv_depthwise2d_forward_kernel", cudnn = "conv2d_c1_k1_nchw_shmem_tiling";
  const auto dw = [](int n, int c, int hw, int r, int stride, const char* dtype) {
    return "conv2d:N=" + std::to_string(n) + ",C=" + std::to_string(c) + ",H=" + std::to_string(hw) +
           ",W=" + std::to_string(hw) + ",K=" + std::to_string(c) + ",R=" + std::to_string(r) +
           ",S=" + std::to_string(r) + ",stride=" + std::to_string(stride) + ",pad=" + std::to_string(r / 2) +
           ",groups=" + std::to_string(c) + ",dtype=" + dtype + ",layout=nchw";
  };
  EXPECT_EQ(first(dw(8, 64, 56, 3, 1, "fp16")), cudnn);
  EXPECT_EQ(first(dw(8, 64, 56, 5, 1, "fp16")), cudnn);
  EXPECT_EQ(first(dw(8, 64, 56, 7, 1, "fp16")), aten);   // 7x7
  EXPECT_EQ(first(dw(8, 16, 56, 3, 1, "fp16")), aten);   // under 32 channels
  EXPECT_EQ(first(dw(8, 64, 6, 3, 1, "fp16")), aten);    // under 7 wide
  EXPECT_EQ(first(dw(8, 64, 56, 3, 2, "fp16")), aten);   // stride 2, batch 8, 64 channels
  EXPECT_EQ(first(dw(1, 64, 56, 3, 2, "fp16")), cudnn);  // stride 2, batch 1
  EXPECT_EQ(first(dw(8, 512, 14, 3, 2, "fp16")), cudnn);
  EXPECT_EQ(first(dw(8, 256, 28, 5, 2, "fp16")), cudnn);
  EXPECT_EQ(first(dw(8, 256, 14, 5, 2, "fp16")), aten);
  EXPECT_EQ(first(dw(8, 64, 56, 3, 1, "bf16")), aten);
}

TEST(GpuPytorchLowering, UnalignedChannelStemGathers) {
  // The harness's cuDNN gathers a 3-channel stem (no shared memory, a dependent access per tap);
  // PyTorch's takes the legacy SIMT implicit_convolve_sgemm for 16-bit stems: 112 x 112 output
  // pixels / 128 x 64 filters / 32 = 98 x 2 = 196 CTAs, each 128 x 32 x (3 x 49) MACs as fp32 FMAs
  // and legacy_conv_lane_ops_per_mac further instructions per MAC.
  const auto lib = map("conv2d:N=1,C=3,H=224,W=224,K=64,R=7,S=7,stride=2,pad=3,dtype=fp16", Runtime::library);
  ASSERT_EQ(lib.kernels.size(), 1u);
  EXPECT_EQ(lib.kernels[0].ctas, 196);
  EXPECT_EQ(lib.kernels[0].dependent_accesses, 49);
  const auto legacy = map("conv2d:N=1,C=3,H=224,W=224,K=64,R=7,S=7,stride=2,pad=3,dtype=fp16");
  ASSERT_EQ(legacy.kernels.size(), 1u);
  EXPECT_EQ(legacy.kernels[0].name, "implicit_convolve_sgemm");
  EXPECT_EQ(legacy.kernels[0].engine, Engine::simt_gemm);
  EXPECT_EQ(legacy.kernels[0].ctas, 196);
  const double cta_macs = 128.0 * 32 * 3 * 49;
  EXPECT_DOUBLE_EQ(legacy.kernels[0].flops_per_cta, 2 * cta_macs);
  EXPECT_DOUBLE_EQ(legacy.kernels[0].lane_ops_per_cta,
                   test_spec().calibration.legacy_conv_lane_ops_per_mac * cta_macs);
  // A volume's stem takes implicit_convolveNd_sgemm even where a 2-D 7x7 stem of 8+ images is
  // padded first (R3D-18's 3x7x7 stem, bf16, training_h100_kernels.csv).
  const auto r3d = map("conv3d:N=16,C=3,D=16,H=112,W=112,K=64,T=3,R=7,S=7,stride=2,pad=3,dtype=bf16");
  ASSERT_EQ(r3d.kernels.size(), 1u);
  EXPECT_EQ(r3d.kernels[0].name, "implicit_convolveNd_sgemm");
  // fp32 without TF32 (the harness; PyTorch with torch.backends.cudnn.allow_tf32 off) has no
  // tensor-core path: cuDNN's SIMT implicit GEMM, whatever the channels. PyTorch's default lets
  // cuDNN take TF32.
  const auto simt =
      map("conv2d:N=1,C=3,H=224,W=224,K=64,R=7,S=7,stride=2,pad=3,dtype=fp32", Runtime::library);
  ASSERT_EQ(simt.kernels.size(), 1u);
  EXPECT_EQ(simt.kernels[0].engine, Engine::simt_gemm);
  EXPECT_GT(time_kernel(test_spec(), simt.kernels[0], LaunchMode::isolated, false).seconds, 0.0);
  const auto tf32 = map("conv2d:N=1,C=3,H=224,W=224,K=64,R=7,S=7,stride=2,pad=3,dtype=fp32");
  ASSERT_EQ(tf32.kernels.size(), 1u);
  EXPECT_EQ(tf32.kernels[0].math_dtype, workloads::DType::tf32);
  const auto padded = map("conv2d:N=32,C=3,H=224,W=224,K=64,R=7,S=7,stride=2,pad=3,dtype=fp16");
  ASSERT_EQ(padded.kernels.size(), 5u);
  EXPECT_TRUE(padded.kernels[0].memset);
  EXPECT_EQ(padded.kernels[1].name, "nhwc_add_padding");
  // 8 channels x 49 taps = 392, in whole 64-element K steps: 448.
  EXPECT_EQ(padded.kernels[4].k_iters * padded.kernels[4].tile_k, 448);
  // Wider unaligned channels are padded to the next multiple of 8, not to 8 (a bug once cut this
  // conv's math 25-fold): 203 -> 208 channels x 49 taps = 10,192, one tap at a time in 64-element
  // K steps: 49 x ceil(208 / 64) = 196 steps. The GEMM's work is at least the conv's 2 x MACs.
  const auto wide = map("conv2d:N=8,C=203,H=102,W=102,K=128,R=7,S=7,stride=1,pad=3,dtype=bf16");
  const auto it = std::find_if(wide.kernels.begin(), wide.kernels.end(),
                               [](const Kernel& k) { return k.engine == Engine::implicit_gemm; });
  ASSERT_NE(it, wide.kernels.end());
  const Kernel& gemm = *it;
  const double macs = 8.0 * 102 * 102 * 128 * 203 * 49;
  EXPECT_GE(static_cast<double>(gemm.ctas) * gemm.flops_per_cta, 2.0 * macs);
  EXPECT_LE(static_cast<double>(gemm.ctas) * gemm.flops_per_cta, 2.0 * macs * 1.35);
}

// A conv's bias is PyTorch's broadcasting add (3 operands); BERT's key-masked attention runs
// the FP32 math path (22 kernels, two SIMT batched GEMMs); a squeeze-excitation gate
// multiplies through the broadcasting kernel.
TEST(GpuPytorchLowering, PytorchPathsForBiasMaskAndBroadcast) {
  const auto conv = map("conv2d:N=1,C=64,H=56,W=56,K=64,R=3,S=3,stride=1,pad=1,bias=1,dtype=fp16");
  ASSERT_EQ(conv.kernels.size(), 2u);
  EXPECT_EQ(conv.kernels[1].name, "conv_bias_add");
  EXPECT_DOUBLE_EQ(conv.kernels[1].lane_ops_per_cta, 40.0 * 3 * 512);

  const auto masked = map("attention:B=1,H=12,S=128,D=64,padding_mask=1,dtype=fp16");
  ASSERT_EQ(masked.kernels.size(), 22u);
  int simt = 0;
  for (const auto& k : masked.kernels) simt += k.engine == Engine::simt_gemm ? 1 : 0;
  EXPECT_EQ(simt, 2);
  const auto plain = map("attention:B=1,H=12,S=128,D=64,dtype=fp16");
  ASSERT_EQ(plain.kernels.size(), 2u);  // cuDNN's memset node, then the fused kernel
  EXPECT_TRUE(plain.kernels[0].memset);
  EXPECT_EQ(map("attention:B=1,H=12,S=128,D=64,dtype=fp16", Runtime::library).kernels.size(), 1u);

  workloads::zoo::BuildContext ctx;
  const auto g = workloads::zoo::build_model("efficientnet_b0", ctx);
  const auto mappings = mappers::gpu::map_graph(g, test_spec(), false, Runtime::pytorch);
  bool found = false;
  for (size_t i = 0; i < g.size(); ++i)
    if (g.ops()[i].name == "features.1.0.block.1.scale") {
      found = true;
      EXPECT_EQ(mappings[i].kernels.at(0).name, "generic_mul");
    }
  EXPECT_TRUE(found);
}

// Energy: an mma.sync kernel (FlashAttention-2) pays energy.mma_sync_factor times the
// Autocast's casts: fp32 -> bf16 is ATen's vectorized bfloat16_copy (a streaming kernel);
// bf16 -> fp32 has no such kernel and runs unrolled_elementwise_kernel with dynamic casting
// (CUDALoops.cuh: 128 threads x 4 elements, grid ceil(1,000,000 / 512) = 1,954 CTAs, 16 a SM by
// threads). Each of a thread's 4 loads waits an L2 access and the DRAM latency: with
// hbm.latency_ns 600 and dependent_access_ns 220 one wave takes 4 x 820 ns, and no separate
// first-load latency is added (the chain starts with it).
workloads::Op cast_op(workloads::DType from, workloads::DType to) {
  workloads::Op op;
  op.name = "x.to";
  op.dtype = to;
  op.params = workloads::ElementwiseParams{"cast", 1000000};
  op.inputs = {{"x", {1000000}, from}};
  op.outputs = {{"y", {1000000}, to}};
  return op;
}

TEST(GpuPytorchLowering, UpcastsRunTheUnrolledDynamicCastKernel) {
  const GpuSpec lat =
      make_spec(load_arch_text(test::gpu_test_config(kChannelsLast), "gpu_test.yaml",
                               {{"hbm.latency_ns", "600"}, {"calibration.dependent_access_ns", "220"}}));
  using workloads::DType;
  const auto down = mappers::gpu::map_op(cast_op(DType::fp32, DType::bf16), lat, Runtime::pytorch);
  ASSERT_EQ(down.kernels.size(), 1u);
  EXPECT_EQ(down.kernels[0].name, "elementwise_cast");
  EXPECT_EQ(down.kernels[0].dependent_accesses, 0);
  const auto up = mappers::gpu::map_op(cast_op(DType::bf16, DType::fp32), lat, Runtime::pytorch);
  ASSERT_EQ(up.kernels.size(), 1u);
  const Kernel& k = up.kernels[0];
  EXPECT_EQ(k.name, "unrolled_elementwise_direct_copy");
  EXPECT_EQ(k.ctas, 1954);
  EXPECT_EQ(k.ctas_per_sm, 16);
  EXPECT_EQ(k.dependent_accesses, 4);
  EXPECT_DOUBLE_EQ(k.dram_dependent_accesses, 4.0);
  EXPECT_DOUBLE_EQ(k.dram_read_bytes, 2e6);
  // 1,954 CTAs in 132 x 16 slots: one wave, its chain 4 x (220 + 600) ns = 3.28 us; the 6 MB
  // stream takes 6e6 / (3,352 GB/s x 0.9) = 2.0 us beneath it.
  EXPECT_NEAR(time_kernel(lat, k, LaunchMode::graph, false).busy_seconds, 3.28e-6, 1e-9);
  // The library runtime (no PyTorch) keeps the streaming copy.
  EXPECT_EQ(mappers::gpu::map_op(cast_op(DType::bf16, DType::fp32), lat, Runtime::library).kernels[0].name,
            "elementwise_cast");
}

// tensor-core energy per FLOP; time spent waiting on the first loads draws no active power.
TEST(GpuEnergy, MmaSyncFactorAndIdleWaits) {
  const GpuSpec spec =
      test_spec_replacing("stream_pj_per_op: 2,", "stream_pj_per_op: 2, mma_sync_factor: 2.5,");
  const auto attn = mappers::gpu::map_op(
      workloads::parse_op_spec("attention:B=1,H=12,S=1024,D=64,dtype=fp16").ops()[0], spec, Runtime::library);
  const Kernel& k = attn.kernels.at(0);
  const KernelTiming t = time_kernel(spec, k, LaunchMode::graph, false);
  // 0.6 pJ/FLOP (the test config's fp16 figure) x 2.5.
  EXPECT_NEAR(t.energy_math_j, k.flops_per_cta * static_cast<double>(k.ctas) * 0.6 * 2.5 * 1e-12, 1e-15);

  std::string lat = test::gpu_test_config(kChannelsLast);
  lat.replace(lat.find("latency_ns: 0"), 13, "latency_ns: 500");
  lat.replace(lat.find("active_w: 0"), 11, "active_w: 100");
  const GpuSpec ls = make_spec(load_arch_text(lat, "gpu_test.yaml"));
  const auto relu = mappers::gpu::map_op(
      workloads::parse_op_spec("elementwise:op=relu,numel=1024,dtype=fp16").ops()[0], ls, Runtime::library);
  const KernelTiming r = time_kernel(ls, relu.kernels.at(0), LaunchMode::graph, false);
  EXPECT_NEAR(r.stall_seconds, 500e-9, 1e-15);  // the first loads' latency
  EXPECT_NEAR(r.energy_active_j, 100.0 * (r.busy_seconds - 500e-9), 1e-15);
}

}  // namespace
}  // namespace orrery::arch::gpu
