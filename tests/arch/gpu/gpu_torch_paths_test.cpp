// What PyTorch 2.11 launches where it does not take cuBLASLt's Hopper GEMMs or a fused SDPA
// kernel (shared/reference/gpu.md, ATen's SoftMax.cu / layer_norm_kernel.cu dispatch), and the
// eager launch timeline. Counts and thresholds derived by hand below.
#include <gtest/gtest.h>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op_spec.hpp"

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
  // <= 1024 columns: the warp softmax; 4000 fp16 = 8000 B fits 48 KiB: the shared-memory one;
  // 50000 fp16 = 100 KB does not: the three-pass kernel.
  EXPECT_EQ(names("softmax:rows=4096,cols=1000,dtype=fp16", s)[0], "softmax_warp_forward");
  EXPECT_EQ(names("softmax:rows=4096,cols=4000,dtype=fp16", s)[0], "cunn_SoftMaxForwardSmem");
  EXPECT_EQ(names("softmax:rows=64,cols=50000,dtype=fp16", s)[0], "cunn_SoftMaxForward");
  // RMSNorm over whole 16-byte vectors: the vectorized layer-norm kernel; 4095 columns: the two
  // non-vectorized kernels.
  EXPECT_EQ(names("rmsnorm:rows=2048,cols=4096,dtype=bf16", s),
            std::vector<std::string>{"vectorized_layer_norm"});
  EXPECT_EQ(names("rmsnorm:rows=2048,cols=4095,dtype=bf16", s),
            (std::vector<std::string>{"RowwiseMomentsCUDAKernel", "LayerNormForwardCUDAKernel"}));
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

}  // namespace
}  // namespace orrery::arch::gpu
