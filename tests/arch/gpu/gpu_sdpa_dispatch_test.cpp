// PyTorch's SDPA backend choice (torch 2.11 sdp_utils.cpp on sm90 with cuDNN 9.19) and the
// kernels of each backend. Expected backends and kernel names: the ones the H100 ran
// (shared/reference/gpu.md "What PyTorch 2.11 launches by default",
// validation/data/attention_backends_h100.csv); times derived by hand below.
#include <gtest/gtest.h>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "common/error.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"
#include "workloads/op_spec.hpp"

namespace orrery::arch::gpu {
namespace {

using mappers::gpu::Runtime;

GpuSpec spec_with(const std::string& extra = "") {
  return make_spec(load_arch_text(test::gpu_test_config(extra), "gpu_test.yaml"));
}

mappers::gpu::GpuMapping map(const std::string& op, const GpuSpec& spec, Runtime rt = Runtime::pytorch) {
  return mappers::gpu::map_op(workloads::parse_op_spec(op).ops()[0], spec, rt);
}

std::vector<std::string> names(const mappers::gpu::GpuMapping& m) {
  std::vector<std::string> n;
  for (const auto& k : m.kernels) n.push_back(k.name);
  return n;
}

TEST(GpuSdpaDispatch, DefaultsOnHopper) {
  const GpuSpec s = spec_with();
  // fp16 prefill: a memset, then cuDNN's sm90 wgmma kernel (64x128x64 for d = 64).
  auto m = map("attention:B=1,H=12,S=128,D=64,causal=0,dtype=fp16", s);
  ASSERT_EQ(m.kernels.size(), 2u);
  EXPECT_TRUE(m.kernels[0].memset);
  EXPECT_EQ(m.kernels[1].name, "cudnn_sdpa_sm90_flash_fprop_wgmma_64x128x64");
  EXPECT_EQ(m.kernels[1].engine, Engine::attention_wgmma);
  // d = 80 runs the d = 128 kernel (ops3: 64x128x128 for D=80).
  EXPECT_EQ(map("attention:B=2,H=8,S=1024,D=80,causal=0,dtype=bf16", s).kernels[1].name,
            "cudnn_sdpa_sm90_flash_fprop_wgmma_64x128x128");
  // Decode: the sm80 16-row kernel alone for a short cache; lean split + reduction for a long one
  // with few (batch, head) pairs (kv 512 vs 4096 at B=1, H=32 in attention_backends_h100.csv).
  EXPECT_EQ(names(map("attention:B=1,H=32,S=1,D=128,causal=0,kv=512,dtype=fp16", s)),
            std::vector<std::string>{"cudnn_sdpa_sm80_flash_fprop_wmma_16x128x128"});
  EXPECT_EQ(map("attention:B=1,H=32,S=1,D=128,causal=0,kv=4096,dtype=fp16", s).kernels.size(), 2u);
  EXPECT_EQ(map("attention:B=16,H=12,S=1,D=64,causal=0,kv=1024,dtype=fp16", s).kernels.size(), 1u);
  // Split only where the (batch, head) CTAs fill at most half the 132 SMs: 64 split and 96 did not
  // (B=12 H=8 kv=9870 ran one kernel in seed 16).
  EXPECT_EQ(map("attention:B=4,H=16,S=1,D=64,causal=0,kv=9870,dtype=bf16", s).kernels.size(), 2u);
  EXPECT_EQ(map("attention:B=12,H=8,S=1,D=32,causal=0,kv=9870,dtype=bf16", s).kernels.size(), 1u);
  // Its shared memory (16 query rows, a K and a V block of 128 keys, 16-bit) bounds the CTAs per SM:
  // 272 x 256 x 2 = 139 KiB at d = 256 (1 of 228 KiB), 69.6 KiB at 128 (3), 34.8 KiB at 64 (4, the cap).
  for (const auto& [d, per_sm] : {std::pair{256, 1}, {128, 3}, {64, 4}})
    EXPECT_EQ(map("attention:B=200,H=8,S=1,D=" + std::to_string(d) + ",causal=0,kv=300,dtype=bf16", s)
                  .kernels[0]
                  .ctas_per_sm,
              per_sm)
        << d;
  // fp32: neither cuDNN nor flash; the memory-efficient kernel (3xTF32).
  m = map("attention:B=1,H=12,S=128,D=64,causal=0,dtype=fp32", s);
  ASSERT_EQ(m.kernels.size(), 1u);
  EXPECT_EQ(m.kernels[0].name, "fmha_cutlassF_f32_aligned_64x64_rf_sm80");
  EXPECT_EQ(m.kernels[0].math_dtype, workloads::DType::tf32);
  // Head dim 36: not a multiple of 8 (no cuDNN, no flash, no 16-bit efficient): the math path.
  m = map("attention:B=1,H=8,S=77,D=36,causal=0,dtype=fp16", s);
  EXPECT_NE(m.note.find("backend math"), std::string::npos) << m.note;
}

TEST(GpuSdpaDispatch, SoftwareChangesTheChoice) {
  // cuDNN 9.14 (< 9.15): PyTorch keeps flash first.
  EXPECT_EQ(
      map("attention:B=1,H=12,S=128,D=64,causal=0,dtype=fp16", spec_with("software: {cudnn_version: '9.14'}"))
          .kernels[0]
          .name,
      "flash_fwd_128x128_d64");
  // The library mapper is orrery's harness, which forces FlashAttention-2.
  EXPECT_EQ(
      map("attention:B=1,H=12,S=128,D=64,causal=0,dtype=fp16", spec_with(), Runtime::library).kernels[0].name,
      "flash_fwd_128x128_d64");
  // A forced backend.
  EXPECT_EQ(map("attention:B=1,H=12,S=128,D=64,causal=0,dtype=fp16",
                spec_with("software: {attention_backend: efficient}"))
                .kernels[0]
                .name,
            "fmha_cutlassF_f16_aligned_64x128_rf_sm80");
  // Forcing an ineligible backend is an input error naming why.
  EXPECT_THROW(map("attention:B=1,H=12,S=128,D=64,causal=0,dtype=fp32",
                   spec_with("software: {attention_backend: flash}")),
               WorkloadError);
}

TEST(GpuSdpaDispatch, CudnnPrefillTimeByHand) {
  // B=1, H=132, S=1024, D=128, fp16 on the test config (no latency, L2 unbounded): 132 x 8 = 1056
  // CTAs of 128 queries, one per SM (Q + two K/V stages: 160 KiB of 228), so 8 waves. Per CTA:
  // 4 x 128 x 1024 x 128 = 67,108,864 FLOP at 4096 x 0.9 (attention_wgmma_efficiency default) x
  // 1.98 GHz = 9.1941 us, plus 128 x 1024 x (1 + 3 x 16/128) = 180,224 SFU-equivalent ops at
  // 16 x 1.98 GHz = 5.6889 us; HBM (104 MB at 3.017 TB/s = 34 us) stays under the math.
  const GpuSpec s = spec_with();
  const auto m = map("attention:B=1,H=132,S=1024,D=128,causal=0,dtype=fp16", s);
  ASSERT_EQ(m.kernels.size(), 2u);
  const KernelTiming t = time_kernel_at(s, m.kernels[1], LaunchMode::graph, s.max_clock_hz);
  EXPECT_EQ(t.waves, 8);
  EXPECT_NEAR(t.busy_seconds * 1e6, 8 * (9.1941 + 5.6889), 0.05);
}

TEST(GpuSdpaDispatch, CudnnBackwardRunsAtItsOwnMmaRate) {
  // calibration.attention_backward_efficiency scales the bprop loop's MMA rate (its five chained
  // MMAs) and nothing else: not the forward's loop, not the backward's stream kernels.
  const std::string bwd = "attention:B=1,H=132,S=1024,D=128,causal=0,pass=backward,dtype=fp16";
  const std::string fwd = "attention:B=1,H=132,S=1024,D=128,causal=0,dtype=fp16";
  const GpuSpec full = spec_with(), half = spec_with("calibration: {attention_backward_efficiency: 0.5}\n");
  const auto b1 = map(bwd, full), b2 = map(bwd, half);
  ASSERT_EQ(names(b1), (std::vector<std::string>{"memset", "cudnn_sdpa_dot_do_o",
                                                 "cudnn_sdpa_sm90_flash_bprop_wgmma_64x64x128",
                                                 "cudnn_sdpa_dq_convert"}));
  EXPECT_DOUBLE_EQ(math_flops_per_clk(half, b2.kernels[2]), 0.5 * math_flops_per_clk(full, b1.kernels[2]));
  EXPECT_DOUBLE_EQ(math_flops_per_clk(half, b2.kernels[1]), math_flops_per_clk(full, b1.kernels[1]));
  EXPECT_DOUBLE_EQ(math_flops_per_clk(half, map(fwd, half).kernels[1]),
                   math_flops_per_clk(full, map(fwd, full).kernels[1]));
  // Math-bound (8 waves of 2.5 x the forward's MMAs): the bprop's busy time grows by its math time.
  const double t1 = time_kernel_at(full, b1.kernels[2], LaunchMode::graph, full.max_clock_hz).busy_seconds;
  const double t2 = time_kernel_at(half, b2.kernels[2], LaunchMode::graph, half.max_clock_hz).busy_seconds;
  EXPECT_GT(t2, 1.3 * t1);
}

// cuDNN's bprop as the measured names show it (sdpa_sm90_flash_bprop_wgmma_f16_knob_26_64x64x{64,
// 128,256}): 64 keys a CTA (1,024 / 64 = 16 key blocks per head), head dims compiled in powers of
// two (d = 96 runs the 128 kernel). Its dO.O kernel also zeroes the fp32 dQ accumulator (the memset
// before it is a small workspace). Grouped-query heads write fp32 dK and dV per query head,
// summed per KV head by two fmha_reduce_head kernels.
TEST(GpuSdpaDispatch, CudnnBackwardTilingAndGroupedHeads) {
  const GpuSpec s = spec_with();
  const auto mha = map("attention:B=2,H=8,S=1024,D=96,causal=0,pass=backward,dtype=bf16", s);
  ASSERT_EQ(mha.kernels.size(), 4u);
  EXPECT_EQ(mha.kernels[2].name, "cudnn_sdpa_sm90_flash_bprop_wgmma_64x64x128");
  EXPECT_EQ(mha.kernels[2].ctas, 2 * 8 * 16);
  const double dq_acc = 2.0 * 8 * 1024 * 96 * 4, rowsum = 2.0 * 8 * 1024 * 4;
  EXPECT_DOUBLE_EQ(mha.kernels[1].written_bytes, rowsum + dq_acc);
  EXPECT_DOUBLE_EQ(mha.kernels[0].written_bytes, 2.0 * 8 * 4);
  const auto gqa = map("attention:B=2,H=8,S=1024,D=96,causal=0,kv_heads=2,pass=backward,dtype=bf16", s);
  ASSERT_EQ(names(gqa),
            (std::vector<std::string>{"memset", "cudnn_sdpa_dot_do_o",
                                      "cudnn_sdpa_sm90_flash_bprop_wgmma_64x64x128", "cudnn_sdpa_dq_convert",
                                      "cudnn_fmha_reduce_head_dk", "cudnn_fmha_reduce_head_dv"}));
  // each reduction reads its fp32 per-query-head gradient and writes the KV heads' 16-bit one
  EXPECT_DOUBLE_EQ(gqa.kernels[4].dram_read_bytes, 2.0 * 8 * 1024 * 96 * 4);
  EXPECT_DOUBLE_EQ(gqa.kernels[4].written_bytes, 2.0 * 2 * 1024 * 96 * 2);
  EXPECT_EQ(map("attention:B=2,H=8,S=256,D=32,causal=1,pass=backward,dtype=fp16", s).kernels[2].name,
            "cudnn_sdpa_sm90_flash_bprop_wgmma_64x64x64_causal");
}

// Grouped-query decode: the query heads sharing a KV head share a CTA, which reads that head's
// keys and values once. cuDNN: B=76, H=16, one KV head: 76 CTAs (16 rows, all the group) instead
// of 1,216, and the L2 carries 76 x 2 x 344 x 128 x 2 B of K/V (13.4 MB) instead of 16 times that.
// FlashAttention-2 swaps the group into the query length: H=8, kv_heads=2, S=1 runs exactly as
// H=2, S=4 without a mask.
TEST(GpuSdpaDispatch, GroupedQueryDecodeSharesKvPerGroup) {
  const GpuSpec s = spec_with();
  const auto gqa = map("attention:B=76,H=16,S=1,D=128,causal=0,kv=344,kv_heads=1,dtype=bf16", s);
  const auto mha = map("attention:B=76,H=16,S=1,D=128,causal=0,kv=344,kv_heads=16,dtype=bf16", s);
  ASSERT_EQ(gqa.kernels[0].name, "cudnn_sdpa_sm80_flash_fprop_wmma_16x128x128");
  EXPECT_EQ(gqa.kernels[0].ctas, 76);
  EXPECT_EQ(mha.kernels[0].ctas, 76 * 16);
  const double kv = 2.0 * 76 * 344 * 128 * 2;
  const double q = 76.0 * 16 * 128 * 2;
  EXPECT_DOUBLE_EQ(gqa.kernels[0].l2_bytes, kv + 2 * q);
  EXPECT_DOUBLE_EQ(mha.kernels[0].l2_bytes, 16 * kv + 2 * q);
  const auto flash = map("attention:B=3,H=8,S=1,D=64,causal=1,kv=700,kv_heads=2,backend=flash,dtype=fp16", s);
  const auto swapped =
      map("attention:B=3,H=2,S=4,D=64,causal=0,kv=700,kv_heads=2,backend=flash,dtype=fp16", s);
  ASSERT_EQ(names(flash), names(swapped));
  for (size_t i = 0; i < flash.kernels.size(); ++i) {
    EXPECT_EQ(flash.kernels[i].ctas, swapped.kernels[i].ctas);
    EXPECT_DOUBLE_EQ(flash.kernels[i].l2_bytes, swapped.kernels[i].l2_bytes);
    EXPECT_DOUBLE_EQ(flash.kernels[i].dram_read_bytes, swapped.kernels[i].dram_read_bytes);
  }
}

// Memory-efficient attention reads both GEMMs' operands from shared memory (Q, K; then P, which
// its softmax stored there, and V), 2 x 2 warps over the 64 x 128 tile: per key block
// 2(64 + 128)64 + 2 x 128(64 + 64) + 64 x 128 (P stored) + 2 x 128 x 64 (K, V filled) = 81,920
// half elements; S = kv = 1024 walks 8 blocks: 1,310,720 bytes a CTA, its phases serial. fp32
// (3xTF32) adds 3 lane ops per operand element it splits.
TEST(GpuSdpaDispatch, EfficientAttentionStagesOperandsInSharedMemory) {
  const GpuSpec s = spec_with();
  const auto h = map("attention:B=1,H=132,S=1024,D=64,causal=0,backend=efficient,dtype=fp16", s);
  ASSERT_EQ(h.kernels[0].name, "fmha_cutlassF_f16_aligned_64x128_rf_sm80");
  EXPECT_DOUBLE_EQ(h.kernels[0].smem_bytes_per_cta, 8 * 81920.0 * 2);
  EXPECT_TRUE(h.kernels[0].serial_loads);
  EXPECT_DOUBLE_EQ(h.kernels[0].lane_ops_per_cta, 0);
  // fp32: 64 x 64 tiles, 16 key blocks, operands 2(64 + 64)64 + 2 x 64(64 + 64) = 32,768 elements.
  const auto f = map("attention:B=1,H=132,S=1024,D=64,causal=0,backend=efficient,dtype=fp32", s);
  ASSERT_EQ(f.kernels[0].name, "fmha_cutlassF_f32_aligned_64x64_rf_sm80");
  EXPECT_DOUBLE_EQ(f.kernels[0].lane_ops_per_cta, 16 * 3 * 32768.0);
  EXPECT_DOUBLE_EQ(f.kernels[0].smem_bytes_per_cta, 16 * 4 * (32768.0 + 64 * 64 + 2 * 64 * 64));
}

}  // namespace
}  // namespace orrery::arch::gpu
