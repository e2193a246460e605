// The training step's GPU kernels that follow PyTorch's launch logic: multi_tensor_apply's
// chunking of the optimizer (MultiTensorApply.cuh), NCHW batch norm's per-channel CTAs
// (Normalization.cuh), and the gemm spec's transB convention meeting the IR's. Every count is
// worked out by hand in the comments from those sources.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "mappers/gpu/multi_tensor_apply.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/training/training_step.hpp"

namespace orrery::arch::gpu {
namespace {

using mappers::gpu::multi_tensor_launches;
using mappers::gpu::Runtime;
using workloads::DType;

GpuSpec test_spec() { return make_spec(load_arch_text(test::gpu_test_config(), "gpu_test.yaml")); }

std::vector<int64_t> ctas(const std::vector<mappers::gpu::MultiTensorLaunch>& ls) {
  std::vector<int64_t> c;
  for (const auto& l : ls) c.push_back(l.ctas);
  return c;
}

TEST(GpuTrainingKernels, MultiTensorApplyChunksAndLaunchLimits) {
  // 320 chunks of 65536 fill a launch (blocks full mid-tensor); the tensor's last 10 elements
  // and a 100-element tensor share the next one.
  const auto big = multi_tensor_launches({320 * 65536 + 10, 100}, 1, false);
  ASSERT_EQ(big.size(), 2u);
  EXPECT_EQ(big[0].ctas, 320);
  EXPECT_EQ(big[0].elements, 320 * 65536);
  EXPECT_EQ(big[0].largest_chunk, 65536);
  EXPECT_EQ(big[1].ctas, 2);
  EXPECT_EQ(big[1].elements, 110);
  EXPECT_EQ(big[1].largest_chunk, 100);
  // Tensor slots: 110 for a depth-1 list, 96 with a scalar per tensor, 48 at depth 3.
  const std::vector<int64_t> tiny111(111, 1), tiny49(49, 1);
  EXPECT_EQ(ctas(multi_tensor_launches(tiny111, 1, false)), (std::vector<int64_t>{110, 1}));
  EXPECT_EQ(ctas(multi_tensor_launches(tiny111, 1, true)), (std::vector<int64_t>{96, 15}));
  EXPECT_EQ(ctas(multi_tensor_launches(tiny49, 3, false)), (std::vector<int64_t>{48, 1}));
  EXPECT_TRUE(multi_tensor_launches({0, 0}, 2, false).empty());  // empty tensors launch nothing
}

TEST(GpuTrainingKernels, ForeachAdamWLaunchesPerOpAndChunk) {
  const GpuSpec s = test_spec();
  workloads::OptimizerParams p;
  p.algo = workloads::OptimizerAlgo::adamw;
  p.tensor_numels.assign(111, 1);
  p.params = 111;
  // mul_(params) d1: 110+1; lerp_ d2: 64+47; mul_ d1: 2; addcmul_ d3: 48+48+15; sqrt d2: 2;
  // div_ scalar list d1: 96+15; add_ d1: 2; addcdiv_ scalar list d3: 48+48+15 -> 18 launches.
  const auto m = mappers::gpu::map_op(workloads::make_op("opt", p, DType::fp32), s, Runtime::pytorch);
  ASSERT_EQ(m.kernels.size(), 18u);
  for (const auto& k : m.kernels) EXPECT_EQ(k.dependent_accesses, 1);  // one element per chunk
  // SGD momentum over one 2^20-element tensor: 16 chunks per launch, each CTA's loop
  // 65536 / (512 threads x 4) = 32 iterations; mul_ streams 4 B in and 4 B out per element.
  workloads::OptimizerParams sgd;
  sgd.algo = workloads::OptimizerAlgo::sgd_momentum;
  sgd.params = 1 << 20;
  const auto ms = mappers::gpu::map_op(workloads::make_op("opt", sgd, DType::fp32), s, Runtime::pytorch);
  ASSERT_EQ(ms.kernels.size(), 3u);
  EXPECT_EQ(ms.kernels[0].ctas, 16);
  EXPECT_EQ(ms.kernels[0].ctas_per_sm, 4);  // 2048 threads / 512
  EXPECT_EQ(ms.kernels[0].dependent_accesses, 32);
  EXPECT_DOUBLE_EQ(ms.kernels[0].dram_read_bytes, 4.0 * (1 << 20));
  // Fused AdamW over 40 tensors of 65536: the step counters (_foreach_add_, 40 one-element
  // chunks), then the depth-4 kernel: 36 tensors per launch -> 36 + 4.
  workloads::OptimizerParams fused;
  fused.algo = workloads::OptimizerAlgo::adamw;
  fused.impl = workloads::OptimizerImpl::fused;
  fused.tensor_numels.assign(40, 65536);
  fused.params = 40 * 65536;
  const auto mf = mappers::gpu::map_op(workloads::make_op("opt", fused, DType::fp32), s, Runtime::pytorch);
  ASSERT_EQ(mf.kernels.size(), 3u);
  EXPECT_EQ(mf.kernels[0].ctas, 40);
  EXPECT_EQ(mf.kernels[1].ctas, 36);
  EXPECT_EQ(mf.kernels[2].ctas, 4);
  // params, grads, exp_avg, exp_avg_sq read; params and both moments written: 28 B/element
  EXPECT_DOUBLE_EQ(mf.kernels[2].dram_read_bytes, 4.0 * 65536 * 4 * 4);
}

TEST(GpuTrainingKernels, NchwBatchNormOneCtaPerChannel) {
  const GpuSpec s = test_spec();
  // N=32, C=64, 56x56: getNumThreads(3136) = 512 threads in x, 1 in y; each thread walks
  // 32 samples x ceil(3136 / 512) = 7 pixels = 224 steps, plus 3 for the block reduction.
  workloads::NormParams n{workloads::NormParams::Type::batch, 32 * 64, 3136, 64, 2, true, false};
  const auto f = mappers::gpu::map_op(workloads::make_op("bn", n, DType::bf16), s, Runtime::pytorch);
  ASSERT_EQ(f.kernels.size(), 3u);  // collect statistics, update/invert, transform
  EXPECT_EQ(f.kernels[0].ctas, 64);
  EXPECT_EQ(f.kernels[0].dependent_accesses, 227);
  // transform: tf = max(getNumThreads(784), min(512, 64)) = 512, tb = 1, grid (64, min(4096, 32)):
  // 2048 CTAs, each one (sample, channel) row: 7 steps.
  EXPECT_EQ(f.kernels[2].ctas, 2048);
  EXPECT_EQ(f.kernels[2].dependent_accesses, 7);
  // backward: two passes over the channel (the sums, then dX)
  n.training = false;
  n.backward = true;
  const auto b = mappers::gpu::map_op(workloads::make_op("bn.grad", n, DType::bf16), s, Runtime::pytorch);
  ASSERT_EQ(b.kernels.size(), 1u);
  EXPECT_EQ(b.kernels[0].ctas, 64);
  EXPECT_EQ(b.kernels[0].dependent_accesses, 454);
  // fp32 runs cuDNN's one-kernel forward. 32 x 3136 = 100,352 elements a channel are more than
  // its single-read kernel holds (28,672): bn_fw_tr_1C11_kernel_NCHW reads the channel twice
  // with float4 loads: getNumThreads(784) = 512 threads, 32 x ceil(3136 / 2048) = 64 steps and
  // the 3 of the reduction, per pass.
  n.backward = false;
  n.training = true;
  const auto c = mappers::gpu::map_op(workloads::make_op("bn", n, DType::fp32), s, Runtime::pytorch);
  ASSERT_EQ(c.kernels.size(), 1u);
  EXPECT_EQ(c.kernels[0].name, "cudnn_bn_fw_tr_1C11_kernel_NCHW");
  EXPECT_EQ(c.kernels[0].dependent_accesses, 2 * (64 + 3));
  EXPECT_DOUBLE_EQ(c.kernels[0].dram_read_bytes, 2.0 * 32 * 64 * 3136 * 4);
  // 8 samples (25,088 elements a channel): the single-read kernel, one pass of 8 x 7 steps.
  n.rows = 8 * 64;
  const auto d = mappers::gpu::map_op(workloads::make_op("bn", n, DType::fp32), s, Runtime::pytorch);
  ASSERT_EQ(d.kernels.size(), 1u);
  EXPECT_EQ(d.kernels[0].name, "cudnn_bn_fw_tr_1C11_singleread");
  EXPECT_EQ(d.kernels[0].dependent_accesses, 8 * 7 + 3);

  // fp32 backward past 14,336 elements a channel: bn_bw_1C11_kernel_new<float, float, float2, TF>
  // with TF = 128 (8 x 512 > 3,136 >= 8 x 128), ty = 4: ceil(32 / 4) x ceil(3136 / 256) = 104
  // steps and 3 more, per pass. Its first pass streams cold X and dY (every step misses); the 64
  // channel slices (2 x 32 x 3136 x 4 B = 802,816 B each, 51 MB together) are re-read by the
  // second pass, which misses only if they exceed the L2's resident share.
  n.rows = 32 * 64;
  n.training = false;
  n.backward = true;
  const auto e = mappers::gpu::map_op(workloads::make_op("bn.grad", n, DType::fp32), s, Runtime::pytorch);
  ASSERT_EQ(e.kernels.size(), 1u);
  EXPECT_EQ(e.kernels[0].name, "cudnn_bn_bw_1C11_kernel_new");
  EXPECT_EQ(e.kernels[0].dependent_accesses, 2 * (104 + 3));
  const double share = static_cast<double>(s.l2_bytes) * s.calibration.l2_resident_fraction;
  EXPECT_DOUBLE_EQ(e.kernels[0].dram_dependent_accesses, 64.0 * 2 * 32 * 3136 * 4 > share ? 208.0 : 104.0);
  // 4 samples (12,544 elements): the single-read kernel.
  n.rows = 4 * 64;
  const auto g = mappers::gpu::map_op(workloads::make_op("bn.grad", n, DType::fp32), s, Runtime::pytorch);
  ASSERT_EQ(g.kernels.size(), 1u);
  EXPECT_EQ(g.kernels[0].name, "cudnn_bn_bw_1C11_singleread");
}

// Kernels whose threads keep one or two loads in flight draw calibration.hbm_low_mlp_efficiency of
// the HBM bandwidth, streaming ones hbm_efficiency. ATen's bf16 backward at N=240, C=496, 32x32 (one CTA a
// channel, 496 CTAs: one wave) moves X and dY twice and writes dX: 5 x 243.8 MB. Its chain, 2 x (240 x 2 + 3)
// steps of 270 ns (dependent_access_ns's default; no DRAM latency in the test config), is 261 us; the traffic
// at 3,352 GB/s x 0.57 takes 639 us and sets the time, which the cycle model's HBM channels reproduce.
// cuDNN's float4 two-pass forward (vec 4) streams.
TEST(GpuTrainingKernels, FewLoadsInFlightDrawTheLowMlpShareOfHbm) {
  const GpuSpec s = make_spec(load_arch_text(test::gpu_test_config(), "gpu_test.yaml",
                                             {{"calibration.hbm_low_mlp_efficiency", "0.57"}}));
  workloads::NormParams n{workloads::NormParams::Type::batch, 240 * 496, 1024, 496, 2, false, true};
  const auto b = mappers::gpu::map_op(workloads::make_op("bn.grad", n, DType::bf16), s, Runtime::pytorch);
  ASSERT_EQ(b.kernels.size(), 1u);
  const Kernel& k = b.kernels[0];
  EXPECT_TRUE(k.low_mlp);
  const double bytes = k.dram_read_bytes + k.dram_write_bytes;
  EXPECT_DOUBLE_EQ(k.dram_read_bytes, 4.0 * 240 * 496 * 1024 * 2);  // dX's last writes stay in the L2
  EXPECT_NEAR(time_kernel_at(s, k, LaunchMode::graph, s.max_clock_hz).busy_seconds, bytes / (3352e9 * 0.57),
              1e-9);
  Kernel vectorized = k;
  vectorized.low_mlp = false;
  EXPECT_NEAR(time_kernel_at(s, vectorized, LaunchMode::graph, s.max_clock_hz).busy_seconds,
              bytes / (3352e9 * 0.9), 1e-9);
  const auto run = [&](Fidelity f) {
    RunOptions o;
    o.mapper = "pytorch";
    o.fidelity = f;
    return find_family("gpu")
        ->simulate(
            load_arch_text(test::gpu_test_config(), "gpu_test.yaml",
                           {{"calibration.hbm_low_mlp_efficiency", "0.57"}}),
            workloads::parse_op_spec("batchnorm:N=240,C=496,H=32,W=32,dtype=bf16,layout=nchw,pass=backward"),
            o)
        .total.seconds;
  };
  EXPECT_NEAR(run(Fidelity::cycle) / run(Fidelity::analytical), 1.0, 0.02);
  n.rows = 32 * 64;
  n.cols = 3136;
  n.channels = 64;
  n.backward = false;
  n.training = true;
  EXPECT_FALSE(
      mappers::gpu::map_op(workloads::make_op("bn", n, DType::fp32), s, Runtime::pytorch).kernels[0].low_mlp);
}

// PyTorch's SDPA runs fp32 on the memory-efficient backend (FlashAttention and cuDNN take 16-bit
// types only), and its backward is that backend's fmha_cutlassB_f32 kernel (3xTF32 MMAs), as
// validation/data/training_h100_kernels.csv shows for BERT, GPT-2, ViT and Llama in fp32, not the
// math path's batched GEMMs and softmax backward; backend=math still takes those.
TEST(GpuTrainingKernels, Fp32AttentionBackwardRunsTheEfficientKernel) {
  workloads::AttentionParams a;
  a.batch = 4;
  a.heads = 12;
  a.kv_heads = 12;
  a.q_len = a.kv_len = 512;
  a.head_dim = 64;
  a.backward = true;
  auto names = [](const mappers::gpu::GpuMapping& m) {
    std::string all;
    for (const auto& k : m.kernels) all += k.name + " ";
    return all;
  };
  const auto eff =
      mappers::gpu::map_op(workloads::make_op("attn.grad", a, DType::fp32), test_spec(), Runtime::pytorch);
  EXPECT_NE(names(eff).find("fmha_cutlassB"), std::string::npos) << names(eff);
  EXPECT_EQ(names(eff).find("SoftMaxBackward"), std::string::npos) << names(eff);
  a.backend = workloads::AttentionBackend::math;
  const auto math =
      mappers::gpu::map_op(workloads::make_op("attn.grad", a, DType::fp32), test_spec(), Runtime::pytorch);
  EXPECT_NE(names(math).find("SoftMaxBackward"), std::string::npos) << names(math);
}

TEST(GpuTrainingKernels, Tf32WeightGradientTransposesItsOperandsInSharedMemory) {
  // A weight gradient's operands (im2col(X) and dY) both reduce over the pixels, their outermost
  // axis: MN-major. wgmma takes 16-bit operands in either order but tf32 ones only K-major, so a
  // TF32 wgrad kernel reads and writes every operand byte once more in shared memory, issued by
  // the MMA warps: per K-step of tk = 32 tf32 elements, (tm + tn) x tk x 4 B twice on top of
  // wgmma's own reads, (tm + tn x ceil(tm / 64)) x tk x 4 B. bf16 keeps the wgmma reads alone.
  const auto op = [](const char* dtype) {
    return workloads::parse_op_spec(std::string("conv2d:N=32,C=256,H=28,W=28,K=256,R=3,S=3,stride=1,pad=1,"
                                                "groups=1,layout=nhwc,pass=backward_weight,dtype=") +
                                    dtype)
        .ops()
        .front();
  };
  const GpuSpec s = test_spec();
  auto wgrad = [&](const char* dtype) {
    const auto m = mappers::gpu::map_op(op(dtype), s, Runtime::pytorch);
    for (const auto& k : m.kernels)
      if (k.name.rfind("wgrad_", 0) == 0 && k.tile_m > 0) return k;
    ADD_FAILURE() << "no wgrad kernel for " << dtype;
    return Kernel{};
  };
  for (const char* dtype : {"fp32", "bf16"}) {
    const Kernel k = wgrad(dtype);
    const bool tf32 = std::string(dtype) == "fp32";  // allow_tf32_cudnn: TF32 math on fp32 storage
    const double ib = tf32 ? 4 : 2;
    const double tm = static_cast<double>(k.tile_m), tn = static_cast<double>(k.tile_n),
                 tk = static_cast<double>(k.tile_k), steps = static_cast<double>(k.k_iters);
    const double wgmma = steps * (tm + tn * std::ceil(tm / 64.0)) * tk * ib;
    EXPECT_DOUBLE_EQ(k.smem_bytes_per_cta, wgmma + (tf32 ? 2.0 * steps * (tm + tn) * tk * ib : 0.0)) << dtype;
    EXPECT_EQ(k.serial_loads, tf32) << dtype;
    EXPECT_EQ(k.tile_k, tf32 ? 32 : 64) << dtype;
  }
}

TEST(GpuTrainingKernels, NchwBiasGradientIsAnInnerReduction) {
  // VGG-16's features.14 at batch 64: dY [64, 256, 56, 56] summed over N, H, W per channel.
  // Reduce.cuh's setReduceConfig: block.x 32 (a warp), block.y 16 (512 threads); a thread would
  // walk 64 x 3136 / 32 = 6,272 >= 256 values, so block.y walks them too (392 each, one output a
  // CTA); 256 CTAs <= 132 SMs x 4 = 528, so ctas_per_output = max(min(ceil(528 / 256) = 3,
  // ceil(392 / 16) = 25), ceil(392 / 256) = 2) = 3: 768 CTAs, ceil(392 / 3) = 131 values a thread,
  // ceil(131 / 4) = 33 dependent steps beside the fixed ones.
  const GpuSpec s = test_spec();
  ASSERT_EQ(s.sm_count, 132);
  const Kernel k = mappers::gpu::inner_sum_reduce(256, 64 * 3136, DType::fp32, s);
  EXPECT_EQ(k.ctas, 768);
  EXPECT_EQ(k.ctas_per_sm, 4);
  EXPECT_EQ(k.dependent_accesses, s.calibration.strided_reduce_fixed_steps + 33);
  EXPECT_DOUBLE_EQ(k.dram_read_bytes, 256.0 * 64 * 3136 * 4 + 256.0 * 3 * 4);
  // Few values per output: block.x takes them (8 of 8), block.y 64 outputs, no split.
  const Kernel small = mappers::gpu::inner_sum_reduce(1000, 8, DType::fp32, s);
  EXPECT_EQ(small.ctas, 16);  // ceil(1000 / 64)
  EXPECT_EQ(small.dependent_accesses, s.calibration.strided_reduce_fixed_steps + 1);
  // The conv's weight gradient uses it for its bias in NCHW (and the strided reduction in NHWC).
  const auto op = workloads::parse_op_spec(
                      "conv2d:N=8,C=64,H=28,W=28,K=64,R=3,S=3,stride=1,pad=1,groups=1,bias=1,layout=nchw,"
                      "pass=backward_weight,dtype=fp32")
                      .ops()
                      .front();
  const auto m = mappers::gpu::map_op(op, s, Runtime::pytorch);
  EXPECT_EQ(m.kernels.back().name, "bias_grad_reduce_kernel_inner");
}

TEST(GpuTrainingKernels, NchwMaxPoolBackwardOneThreadPerInputPixel) {
  // ResNet's stem pool, 112x112 -> 56x56, 3x3 stride 2: grid (ceil(12544 / 256) = 49, N = 32,
  // C = 64) = 100,352 CTAs of 256 threads; a pixel lies in up to ceil(3/2)^2 = 4 windows, each an
  // argmax load then a dY load, then the store: 9 dependent steps.
  workloads::Op op =
      workloads::parse_op_spec("maxpool:N=32,C=64,H=112,W=112,R=3,S=3,stride=2,pad=1,dtype=bf16").ops()[0];
  auto p = *op.get<workloads::PoolParams>();
  p.backward = true;
  const auto m =
      mappers::gpu::map_op(workloads::make_op("pool.grad", p, DType::bf16), test_spec(), Runtime::pytorch);
  // First grad_input (32 x 64 x 112 x 112 bf16) is zeroed, as every measured launch shows.
  ASSERT_EQ(m.kernels.size(), 2u);
  EXPECT_NE(m.kernels[0].name.find("FillFunctor"), std::string::npos);
  EXPECT_DOUBLE_EQ(m.kernels[0].written_bytes, 32.0 * 64 * 112 * 112 * 2);
  EXPECT_EQ(m.kernels[1].name, "max_pool_backward_nchw");
  EXPECT_EQ(m.kernels[1].ctas, 49 * 32 * 64);
  EXPECT_EQ(m.kernels[1].dependent_accesses, 9);
}

TEST(GpuTrainingKernels, GemmSpecTransBMeansWhatTheTrainingPassMeans) {
  // A spec's transB is relative to F.linear's weight [N, K]; the IR's to its [K, N] default.
  const auto linear = *workloads::parse_op_spec("gemm:M=4,N=6,K=8").ops()[0].get<workloads::GemmParams>();
  EXPECT_TRUE(linear.trans_b);
  const auto mm =
      *workloads::parse_op_spec("gemm:M=4,N=6,K=8,transB=1").ops()[0].get<workloads::GemmParams>();
  EXPECT_FALSE(mm.trans_b);
  // nn.Linear(768 -> 768) over 1001 tokens, bf16: its weight gradient X^T dY reads X [1001, 768]
  // transposed and dY [1001, 768] as stored, as the measured spec transA=1,transB=1 does
  // (A stored [K, M], B stored [K, N]). Both leading dims are 768: 16-byte aligned.
  workloads::Graph g("lin");
  workloads::GemmParams fc{1, 1001, 768, 768, true, false};
  fc.trans_b = true;
  g.add(workloads::make_op("fc", fc, DType::fp32));
  workloads::training::TrainOptions o;
  o.dtype = DType::bf16;
  const auto step = workloads::training::build_training_step(g, o);
  const workloads::Op* dw = nullptr;
  for (const auto& op : step.graph.ops())
    if (op.name == "fc.grad.dW") dw = &op;
  ASSERT_NE(dw, nullptr);
  const workloads::Op spec =
      workloads::parse_op_spec("gemm:M=768,N=768,K=1001,transA=1,transB=1,dtype=bf16").ops()[0];
  const auto& a = *dw->get<workloads::GemmParams>();
  const auto& b = *spec.get<workloads::GemmParams>();
  EXPECT_EQ(a.trans_a, b.trans_a);
  EXPECT_EQ(a.trans_b, b.trans_b);
  const GpuSpec s = test_spec();
  const auto ka = mappers::gpu::map_op(*dw, s, Runtime::pytorch).kernels;
  const auto kb = mappers::gpu::map_op(spec, s, Runtime::pytorch).kernels;
  ASSERT_EQ(ka.size(), kb.size());
  EXPECT_EQ(ka[0].name, kb[0].name);
  EXPECT_NE(ka[0].engine, Engine::unaligned_gemm);
}

}  // namespace
}  // namespace orrery::arch::gpu
