// The kernels PyTorch's cuDNN 9.19 runs around its NHWC convolutions (mappers/gpu/layout_kernels):
// channel padding, NCHW transposes, the generic filter transform, and the element-wise layout
// kernels' DRAM round trips; the implicit GEMM's K-steps per filter tap. Kernel sequences as
// validation/data/random_ops_h100_kernels.csv shows them; sizes and times derived by hand below.
#include <gtest/gtest.h>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "mappers/gpu/layout_kernels.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op_spec.hpp"

namespace orrery::arch::gpu {
namespace {

using mappers::gpu::Runtime;

GpuSpec spec_with(const std::vector<config::Override>& o = {}) {
  return make_spec(load_arch_text(test::gpu_test_config(), "gpu_test.yaml", o));
}

mappers::gpu::GpuMapping map(const std::string& op, const GpuSpec& spec) {
  return mappers::gpu::map_op(workloads::parse_op_spec(op).ops()[0], spec, Runtime::pytorch);
}

std::vector<std::string> names(const mappers::gpu::GpuMapping& m) {
  std::vector<std::string> n;
  for (const auto& k : m.kernels) n.push_back(k.memset ? "memset" : k.name.substr(0, k.name.find("_tc_")));
  return n;
}

// NHWC, 43 input and 20 output channels (fp16: vectors of 8): the input padded to 48 channels,
// the filter to 24 x 48, the output unpadded from 24 (random_ops_h100.csv row
// conv2d:N=1,C=43,H=64,W=64,K=715: memset, pad, memset, pad, sm90 kernel, pad).
TEST(GpuConvLayout, NhwcPadsUnalignedChannels) {
  const auto spec = spec_with();
  const auto m = map("conv2d:N=2,C=43,H=16,W=16,K=20,R=3,S=3,pad=1,dtype=fp16,layout=nhwc", spec);
  const std::vector<std::string> expect{"memset",     "nhwcAddPaddingKernel_input",
                                        "memset",     "nhwcAddPaddingKernel_filter",
                                        "conv_igemm", "nhwcAddPaddingKernel_output"};
  ASSERT_EQ(names(m), expect);
  EXPECT_DOUBLE_EQ(m.kernels[0].written_bytes, 2.0 * 256 * 48 * 2);  // N x HW x 48 x 2 B
  EXPECT_DOUBLE_EQ(m.kernels[1].written_bytes, 2.0 * 256 * 48 * 2);
  EXPECT_DOUBLE_EQ(m.kernels[1].dram_read_bytes, 2.0 * 256 * 43 * 2);
  EXPECT_DOUBLE_EQ(m.kernels[2].written_bytes, 24.0 * 48 * 9 * 2);  // padded filter
  EXPECT_DOUBLE_EQ(m.kernels[5].dram_read_bytes, 2.0 * 256 * 24 * 2);
  EXPECT_DOUBLE_EQ(m.kernels[5].written_bytes, 2.0 * 256 * 20 * 2);
  // Aligned channels: nothing around the kernel.
  EXPECT_EQ(map("conv2d:N=2,C=48,H=16,W=16,K=24,R=3,S=3,pad=1,dtype=fp16,layout=nhwc", spec).kernels.size(),
            1u);
}

// NCHW with an unaligned filter leading dimension (K = 20): tensorTransformGeneric for the filter
// (after its padded buffer is zeroed); the input (C = 48, aligned) transposed without a memset.
TEST(GpuConvLayout, NchwTransposesAndTransformsUnalignedFilters) {
  const auto spec = spec_with();
  const auto m = map("conv2d:N=2,C=48,H=16,W=16,K=20,R=3,S=3,pad=1,dtype=fp16,layout=nchw", spec);
  const std::vector<std::string> expect{
      "nchwToNhwcKernel_input", "memset", "tensorTransformGeneric", "memset", "conv_igemm",
      "nhwcToNchwKernel_output"};
  ASSERT_EQ(names(m), expect);
  EXPECT_DOUBLE_EQ(m.kernels[2].setup_s, spec.calibration.tensor_transform_setup_s);
  // 24 x 48 x 9 padded elements, each its index arithmetic: over the CTAs of one element a thread.
  const double elems = 24.0 * 48 * 9;
  EXPECT_NEAR(m.kernels[2].lane_ops_per_cta * static_cast<double>(m.kernels[2].ctas),
              spec.calibration.tensor_transform_lane_ops_per_element * elems, 1e-6);
  // The data gradient reads dY (20 channels: padded) and writes dX (48).
  const auto d =
      map("conv2d:N=2,C=48,H=16,W=16,K=20,R=3,S=3,pad=1,dtype=fp16,layout=nchw,pass=backward_data", spec);
  ASSERT_GE(d.kernels.size(), 2u);
  EXPECT_TRUE(d.kernels[0].memset);
  EXPECT_EQ(d.kernels[1].name, "nchwToNhwcKernel_grad_output");
  EXPECT_DOUBLE_EQ(d.kernels[1].written_bytes, 2.0 * 256 * 24 * 2);
  EXPECT_EQ(d.kernels.back().name, "nhwcToNchwKernel_grad_input");
}

// One element per resident thread per DRAM round trip: 132 SMs x 8 CTAs x 256 threads move
// 270,336 elements a round, so 811,008 fp16 elements take 3 rounds = 3 x 600 ns, longer than
// their 3.24 MB of traffic at 0.9 x 3352 GB/s (1.08 us); plus the first loads' 600 ns: 2.4 us.
TEST(GpuConvLayout, LayoutKernelsWaitOneRoundTripPerElement) {
  const auto spec = spec_with({{"hbm.latency_ns", "600"}});
  const Kernel k = mappers::gpu::layout_kernel("t", 811008, 811008, workloads::DType::fp16, spec);
  EXPECT_EQ(k.ctas, 132 * 8);
  EXPECT_EQ(k.dram_round_trips, 3);
  EXPECT_NEAR(time_kernel(spec, k, LaunchMode::graph, false).busy_seconds, 2.4e-6, 1e-9);
}

// A 3x3 conv over 16 channels steps one tap at a time: 9 K-steps whatever the step depth (64 or
// its half, 32, which cuDNN takes for narrow channels: tilesize...x32 in the measured names).
TEST(GpuConvLayout, ImplicitGemmStepsOneTapAtATime) {
  const auto spec = spec_with();
  const auto m = map("conv2d:N=8,C=16,H=32,W=32,K=64,R=3,S=3,pad=1,dtype=fp16,layout=nhwc", spec);
  ASSERT_EQ(m.kernels.size(), 1u);
  EXPECT_EQ(m.kernels[0].k_iters, 9);
  EXPECT_EQ(m.kernels[0].tile_k, 32);  // half the padding of a 64-deep step
}

// A 1x1 stride-1 conv is cuBLAS's GEMM on the tensors as stored: in NCHW its pixels are a
// leading dimension, so a 33x33 map (1089 pixels, not a multiple of 8 fp16 elements) leaves the
// TMA/wgmma kernels for the CUTLASS 2.x fallback (cutlass::Kernel2 in random_ops_h100.csv) while a
// 32x32 map stays on them; in NHWC the channel counts decide.
TEST(GpuConvLayout, PointwiseConvAlignmentFollowsTheStoredLayout) {
  const auto spec = spec_with();
  auto engine = [&](const std::string& op) { return map(op, spec).kernels.at(0).engine; };
  EXPECT_EQ(engine("conv2d:N=5,C=256,H=33,W=33,K=128,R=1,S=1,dtype=fp16,layout=nchw"),
            Engine::unaligned_gemm);
  EXPECT_EQ(engine("conv2d:N=5,C=256,H=32,W=32,K=128,R=1,S=1,dtype=fp16,layout=nchw"), Engine::tensor_gemm);
  EXPECT_EQ(engine("conv2d:N=5,C=256,H=33,W=33,K=128,R=1,S=1,dtype=fp16,layout=nhwc"), Engine::tensor_gemm);
  EXPECT_EQ(engine("conv2d:N=5,C=256,H=32,W=32,K=87,R=1,S=1,dtype=fp16,layout=nhwc"), Engine::unaligned_gemm);
}

}  // namespace
}  // namespace orrery::arch::gpu
