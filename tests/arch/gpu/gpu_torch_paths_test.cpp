// What PyTorch 2.11 launches where it does not take cuBLASLt's Hopper GEMMs or a fused SDPA
// kernel (shared/reference/gpu.md, ATen's SoftMax.cu / layer_norm_kernel.cu dispatch), and the
// eager launch timeline. Counts and thresholds derived by hand below.
#include <gtest/gtest.h>

#include <algorithm>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/training/training_step.hpp"

namespace orrery::arch::gpu {
namespace {

using mappers::gpu::Runtime;

GpuSpec spec_with(const std::string& extra = "") {
  return make_spec(load_arch_text(test::gpu_test_config(extra), "gpu_test.yaml"));
}

std::vector<std::string> names(const std::string& op, const GpuSpec& spec) {
  std::vector<std::string> n;
  for (const auto& k :
       mappers::gpu::map_op(workloads::parse_op_spec(op).ops()[0], spec, Runtime::pytorch).kernels)
    n.push_back(k.name);
  return n;
}

TEST(GpuTorchPaths, NchwConvTransposesAroundNhwcKernels) {
  const std::string conv = "conv2d:N=8,C=64,H=56,W=56,K=64,R=3,S=3,stride=1,pad=1,dtype=fp16";
  const auto nchw = names(conv, spec_with());
  ASSERT_EQ(nchw.size(), 5u);  // input and filter to NHWC, workspace memset, the kernel, output back
  EXPECT_EQ(nchw[0], "nchwToNhwcKernel_input");
  EXPECT_EQ(nchw[1], "nchwToNhwcKernel_filter");
  EXPECT_EQ(nchw[2], "memset");
  EXPECT_EQ(nchw[4], "nhwcToNchwKernel_output");
  EXPECT_EQ(names(conv, spec_with("software: {layout: nhwc}\n")).size(), 1u);
}

TEST(GpuTorchPaths, IntMmIsTheAmpereWmmaKernel) {
  // 4096^3 int8: 32 x 32 tiles of 128x128, K-steps of 32: 128 steps, each waiting one load.
  const GpuSpec s = spec_with();
  const auto m = mappers::gpu::map_op(
      workloads::parse_op_spec("gemm:M=4096,N=4096,K=4096,dtype=int8").ops()[0], s, Runtime::pytorch);
  ASSERT_EQ(m.kernels.size(), 1u);
  EXPECT_EQ(m.kernels[0].name, "cutlass_80_wmma_tensorop_i161616gemm_s8_128x128_32x2");
  EXPECT_EQ(m.kernels[0].ctas, 1024);
  EXPECT_EQ(m.kernels[0].dependent_accesses, 128);
  EXPECT_EQ(m.kernels[0].engine, Engine::unaligned_gemm);
}

TEST(GpuTorchPaths, SoftmaxAndNormKernelsByRowLength) {
  const GpuSpec s = spec_with();
  // torch 2.11's host_softmax: <= 2048 columns (8 KiB): the warp softmax; else a 1024-thread
  // block with reg_cnt = ceil(cols / 1024): 4000 -> 4 < 10: the register kernel; 16000 fp16 =
  // 32 KB (reg_cnt 16) fits 48 KiB: the shared-memory one; 50000 fp16 = 100 KB: the three-pass one.
  EXPECT_EQ(names("softmax:rows=4096,cols=1000,dtype=fp16", s)[0], "softmax_warp_forward");
  EXPECT_EQ(names("softmax:rows=4096,cols=2048,dtype=fp32", s)[0], "softmax_warp_forward");
  EXPECT_EQ(names("softmax:rows=4096,cols=4000,dtype=fp16", s)[0], "cunn_SoftMaxForwardReg");
  EXPECT_EQ(names("softmax:rows=4096,cols=16000,dtype=fp16", s)[0], "cunn_SoftMaxForwardSmem");
  EXPECT_EQ(names("softmax:rows=64,cols=50000,dtype=fp16", s)[0], "cunn_SoftMaxForward");
  // RMSNorm over whole 16-byte vectors: the vectorized layer-norm kernel; 4095 columns: the two
  // non-vectorized kernels.
  EXPECT_EQ(names("rmsnorm:rows=2048,cols=4096,dtype=bf16", s),
            std::vector<std::string>{"vectorized_layer_norm"});
  EXPECT_EQ(names("rmsnorm:rows=2048,cols=4095,dtype=bf16", s),
            (std::vector<std::string>{"RowwiseMomentsCUDAKernel", "LayerNormForwardCUDAKernel"}));
}

TEST(GpuTorchPaths, CrossEntropyAndEmbeddingKernels) {
  const GpuSpec s = spec_with();
  auto first = [&](const std::string& spec) {
    return mappers::gpu::map_op(workloads::parse_op_spec(spec).ops()[0], s, Runtime::pytorch).kernels;
  };
  // F.cross_entropy: log_softmax, then ONE block of nll_loss_threads(rows) threads: 3866 rows ->
  // 2^round(log2(241.6)) = 256 threads, ceil(3866 / 256) = 16 iterations of target -> log-prob.
  const auto fwd = first("cross_entropy:rows=3866,vocab=16064,dtype=fp32");
  ASSERT_EQ(fwd.size(), 2u);
  EXPECT_EQ(fwd[0].name, "cunn_SoftMaxForward<LogSoftMaxForwardEpilogue>");
  EXPECT_EQ(fwd[1].name, "nll_loss_forward_reduce_cuda_kernel_2d");
  EXPECT_EQ(fwd[1].ctas, 1);
  EXPECT_EQ(fwd[1].dram_round_trips, 16);
  // 7 rows: at least 32 threads, one iteration.
  EXPECT_EQ(first("cross_entropy:rows=7,vocab=17,dtype=fp32")[1].dram_round_trips, 1);
  // Backward: fill(1), fill(0), nll_loss_backward, the softmax backward (<= 1024 columns: warp).
  const auto bwd = first("cross_entropy:rows=684,vocab=132,pass=backward,dtype=fp32");
  ASSERT_EQ(bwd.size(), 4u);
  EXPECT_EQ(bwd[2].name, "nll_loss_backward_reduce_cuda_kernel_2d");
  EXPECT_EQ(bwd[2].dram_round_trips, 22);  // 684 rows / 32 threads
  EXPECT_EQ(bwd[3].name, "softmax_warp_backward<LogSoftMaxBackwardEpilogue>");
  // Embedding: <= 16 indices: indexSelectSmallIndex, a round trip per index; 384-byte rows:
  // vectorized_gather_kernel, a block of 32 threads per index; 1412-byte rows (not 16-byte
  // vectors): the TensorIterator gather.
  const auto small = first("embedding:tokens=14,vocab=74092,dim=2856,dtype=fp16");
  EXPECT_EQ(small[0].name, "indexSelectSmallIndex");
  EXPECT_EQ(small[0].dram_round_trips, 14);
  const auto vec = first("embedding:tokens=11911,vocab=13632,dim=192,dtype=fp16");
  EXPECT_EQ(vec[0].name, "vectorized_gather_kernel");
  EXPECT_EQ(vec[0].ctas, 11911);
  EXPECT_EQ(vec[0].ctas_per_sm, 32);
  EXPECT_EQ(first("embedding:tokens=362,vocab=117128,dim=353,dtype=fp32")[0].name,
            "_scatter_gather_elementwise_kernel");
  // Dense backward, <= 3072 indices: zero grad_weight, then the feature kernel: ceil(960 / 32)
  // blocks, 2 round trips per index a warp takes (ceil(6 / 32) = 1) and one per batch of 1024.
  const auto feat = first("embedding:tokens=6,vocab=117632,dim=960,pass=backward,dtype=fp32");
  ASSERT_EQ(feat.size(), 2u);
  EXPECT_EQ(feat[1].name, "embedding_backward_feature_kernel");
  EXPECT_EQ(feat[1].ctas, 30);
  EXPECT_EQ(feat[1].dram_round_trips, 3);
  // More indices: the sort-based path, 8 onesweep passes over the 64-bit keys among its kernels.
  const auto sorted = first("embedding:tokens=7276,vocab=32128,dim=204,pass=backward,dtype=bf16");
  EXPECT_EQ(std::count_if(sorted.begin(), sorted.end(),
                          [](const Kernel& k) { return k.name == "DeviceRadixSortOnesweepKernel"; }),
            8);
  EXPECT_EQ(sorted.back().name, "sum_and_scatter");
  // Partials per segment: 46,420 uniform indices over 1,503 rows are U = 1503 (1 - (1 - 1/1503)^46420)
  // = 1,503.0 distinct, U + (46,420 - U) / 10 = 5,994.7 segments of up to 10 rows; each an fp32 row
  // of 4,352 written by compute_grad_weight (104.36 MB), and U fp16 rows out of sum_and_scatter.
  // The forward gather reads a repeated row from the L2: 16,866 indices over 4,536 rows name
  // 4536 (1 - (1 - 1/4536)^16866) = 4,425.9 distinct rows of 1,152 bytes, read from DRAM once (5.1 MB,
  // within the L2), besides the 8-byte indices.
  const auto gather = first("embedding:tokens=16866,vocab=4536,dim=576,dtype=bf16");
  ASSERT_EQ(gather[0].name, "vectorized_gather_kernel");
  EXPECT_NEAR(gather[0].dram_read_bytes, 4425.9 * 1152 + 16866 * 8, 0.1 * 1152);
  const auto dup = first("embedding:tokens=46420,vocab=1503,dim=4352,pass=backward,dtype=fp16");
  const Kernel& cgw = dup[dup.size() - 2];
  ASSERT_EQ(cgw.name, "compute_grad_weight");
  EXPECT_NEAR(cgw.written_bytes, 5994.7 * 4352 * 4, 0.1 * 4352 * 4);
  EXPECT_NEAR(dup.back().written_bytes, 1503.0 * 4352 * 2, 0.1 * 4352 * 2);
}

// An op timed alone: its later ATen kernels wait launch.stream_extra_us more than in a graph;
// cuBLAS's chained split-K reduce does not.
TEST(GpuTorchPaths, StreamExtraPerLaterKernel) {
  RunOptions o;
  o.mapper = "pytorch";
  const std::string ce = "cross_entropy:rows=7,vocab=17,dtype=fp32";
  const auto base = find_family("gpu")->simulate(load_arch_text(test::gpu_test_config(), "t.yaml"),
                                                 workloads::parse_op_spec(ce), o);
  std::string text = test::gpu_test_config();
  const std::string key = "graph_overhead_us: 0}";
  text.replace(text.find(key), key.size(), "graph_overhead_us: 0, stream_extra_us: 2}");
  const auto more =
      find_family("gpu")->simulate(load_arch_text(text, "t.yaml"), workloads::parse_op_spec(ce), o);
  EXPECT_NEAR((more.total.seconds - base.total.seconds) * 1e6, 2.0, 1e-6);  // one later kernel
  // A split-K GEMM's reduce is chained by cuBLAS: no extra.
  const std::string gemm = "gemm:M=128,N=640,K=11720,dtype=bf16";
  const auto g0 = find_family("gpu")->simulate(load_arch_text(test::gpu_test_config(), "t.yaml"),
                                               workloads::parse_op_spec(gemm), o);
  const auto g1 =
      find_family("gpu")->simulate(load_arch_text(text, "t.yaml"), workloads::parse_op_spec(gemm), o);
  EXPECT_DOUBLE_EQ(g1.total.seconds, g0.total.seconds);
}

TEST(GpuTorchPaths, EagerHostDispatchDelaysTheGpu) {
  // The test config has no launch cost: a graph replay of one elementwise op is its busy time;
  // eager adds the host's 6 us (software.eager.aten_op_us) before the kernel can start.
  const std::string op = "elementwise:op=relu,numel=4096,dtype=fp16";
  RunOptions o;
  o.mapper = "pytorch";
  const auto graph = find_family("gpu")->simulate(load_arch_text(test::gpu_test_config(), "t.yaml"),
                                                  workloads::parse_op_spec(op), o);
  const auto eager = find_family("gpu")->simulate(
      load_arch_text(test::gpu_test_config("software: {launch: eager, eager: {aten_op_us: 6}}\n"), "t.yaml"),
      workloads::parse_op_spec(op), o);
  EXPECT_NEAR((eager.total.seconds - graph.total.seconds) * 1e6, 6.0, 1e-6);
}

TEST(GpuTorchPaths, EagerTrainingStepHostByPhase) {
  // A training step launched eagerly with host costs of milliseconds, so the GPU's microseconds
  // never hide them: each phase's wall time is its ops' host time, by the path the framework
  // takes (hand-summed here from the software.eager.* values set below):
  //   forward: a Python call per op (1000 us) and 400 us per ATen call it makes: the GEMM of two
  //            activations 2 (matmul, mm), the cross-entropy 8 (log_softmax, nll_loss and their
  //            allocations), as torch.profiler counts them (host_atens_h100.csv); 100 us per
  //            further kernel;
  //   backward: the C++ engine, 2000 us per node that launches kernels (its first kernel; 100 us
  //            per further kernel of the same call), 700 us per op that launches none, and an
  //            AccumulateGrad node (700 us) per parameter;
  //   optimizer: a Python dispatch as in inference (no record).
  const std::string costs =
      "software: {launch: eager, eager: {aten_op_us: 1000, gemm_us: 1300, conv_us: 1000, attention_us: 1000, "
      "extra_kernel_us: 100, training_op_us: 1000, aten_call_us: 400, backward_kernel_us: 2000, "
      "backward_node_us: 700}}\n";
  workloads::training::TrainOptions train;
  train.optimizer = workloads::OptimizerAlgo::sgd;
  const auto step = workloads::training::build_training_step(
      workloads::parse_op_spec("gemm:M=64,N=32,K=48,bias=1,dtype=fp32"), train);
  // gemm, loss | loss.backward, the bias gradient (a row sum) | the SGD step: B is an activation
  // here (an --op GEMM's operands are both inputs), so the bias is the one parameter.
  RunOptions o;
  o.mapper = "pytorch";
  o.phases = step.phase;
  const auto r =
      find_family("gpu")->simulate(load_arch_text(test::gpu_test_config(costs), "t.yaml"), step.graph, o);
  ASSERT_EQ(r.layers.size(), step.graph.size());
  using workloads::training::Phase;
  double expect[4] = {0, 0, 0, 0}, wall[4] = {0, 0, 0, 0};
  size_t params = 0;
  for (size_t i = 0; i < step.graph.size(); ++i) {
    const auto& op = step.graph.ops()[i];
    const size_t k = r.layers[i].timing["kernels"].size();
    const int p = static_cast<int>(step.phase[i]);
    wall[p] += r.layers[i].stats.seconds * 1e6;
    switch (step.phase[i]) {
      case Phase::forward:
        params += op.weights.size();
        ASSERT_TRUE(op.get<workloads::GemmParams>() || op.get<workloads::CrossEntropyParams>()) << op.name;
        expect[p] += 1000 + 400 * (op.get<workloads::GemmParams>() ? 2 : 8) + 100.0 * (k > 0 ? k - 1 : 0);
        break;
      case Phase::backward:
        expect[p] += k == 0 ? 700 : 2000.0 + 100.0 * (k - 1);
        break;
      default:
        expect[p] += k == 0 ? 100 : 1000 + 100.0 * (k - 1);
    }
  }
  ASSERT_EQ(params, 1u);
  expect[static_cast<int>(Phase::backward)] += 700.0 * params;
  for (Phase ph : {Phase::forward, Phase::backward, Phase::optimizer}) {
    const int p = static_cast<int>(ph);
    EXPECT_GT(expect[p], 0) << to_string(ph);
    // Each phase's first kernel also waits out the host work of the phase before it that
    // launched no kernel after that phase's last one; GPU time of a few microseconds per kernel.
    EXPECT_NEAR(wall[p], expect[p], 0.01 * expect[p]) << to_string(ph);
  }
}

}  // namespace
}  // namespace orrery::arch::gpu
