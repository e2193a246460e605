// Resource and cycle formulas of the streaming engine against hand calculations from the
// fpgaConvNet and FINN formulas in reference/fpga.md.
#include <gtest/gtest.h>

#include "arch/fpga/dsp_cost.hpp"
#include "arch/fpga/memory_blocks.hpp"
#include "arch/fpga/streaming_stage.hpp"

namespace orrery::arch::fpga {
namespace {

TEST(FpgaDspCost, FpgaConvNetFormulaPerMultiplier) {
  // ceil(a/18) * ceil(b/27), x0.5 when both operands are <= 8 bits.
  EXPECT_DOUBLE_EQ(dsp_per_multiplier(8, 8), 0.5);
  EXPECT_DOUBLE_EQ(dsp_per_multiplier(16, 16), 1.0);
  EXPECT_DOUBLE_EQ(dsp_per_multiplier(18, 27), 1.0);
  EXPECT_DOUBLE_EQ(dsp_per_multiplier(19, 27), 2.0);  // ceil(19/18) = 2
  EXPECT_DOUBLE_EQ(dsp_per_multiplier(18, 28), 2.0);  // ceil(28/27) = 2
  EXPECT_DOUBLE_EQ(dsp_per_multiplier(32, 32), 4.0);  // 2 * 2
  EXPECT_DOUBLE_EQ(dsp_per_multiplier(8, 16), 1.0);   // no packing unless both are <= 8 bits
  EXPECT_EQ(dsp_for_multipliers(3, 8, 8), 2);         // 1.5 rounded up to whole slices
}

TEST(FpgaDspCost, HandWorkedConvLayers) {
  StreamingSpec spec;
  // conv 3x3, 64 -> 128 channels, coarse_in 4, coarse_out 8, fine 9.
  // fpgaConvNet: per conv module fine x dsp_per_mult, times coarse_in x coarse_out modules.
  StageShape s;
  s.kind = StageKind::matrix;
  s.c_in_g = 64;
  s.c_out = 128;
  s.kernel = 9;
  s.out_pixels = 28 * 28;
  s.weights = 64 * 128 * 9;
  const Folding f{4, 8, 9};
  s.a_bits = s.w_bits = 8;
  EXPECT_EQ(stage_cost(s, f, spec, WeightStore::bram).dsp, 4 * 8 * 9 / 2);  // 8-bit: 9 x 0.5 x 32 = 144
  s.a_bits = s.w_bits = 16;
  EXPECT_EQ(stage_cost(s, f, spec, WeightStore::bram).dsp, 4 * 8 * 9);  // 16-bit: 1 per multiplier = 288
  s.a_bits = s.w_bits = 32;
  EXPECT_EQ(stage_cost(s, f, spec, WeightStore::bram).dsp, 4 * 8 * 9 * 4);  // 32-bit: 4 per multiplier = 1152
  // fine 3 of a 3x3 kernel, coarse 1/1, 8-bit: ceil(3 x 0.5) = 2 slices.
  s.a_bits = s.w_bits = 8;
  EXPECT_EQ(stage_cost(s, {1, 1, 3}, spec, WeightStore::bram).dsp, 2);
}

TEST(FpgaStreamingStage, FinnCycleFormula) {
  // FINN MVAU: cycles = (MH / PE) * (MW / SIMD) * OFM_H * OFM_W.
  StageShape fc;  // fully connected, MH = 256 outputs, MW = 512 inputs, one output pixel
  fc.kind = StageKind::matrix;
  fc.c_in_g = 512;
  fc.c_out = 256;
  fc.kernel = 1;
  fc.out_pixels = 1;
  EXPECT_EQ(stage_cycles_per_image(fc, {32, 16, 1}), (256 / 16) * (512 / 32) * 1);  // PE 16, SIMD 32: 256
  StageShape conv;  // conv 3x3, 32 -> 64, 28x28 output: MH = 64, MW = 32 * 9 = 288
  conv.kind = StageKind::matrix;
  conv.c_in_g = 32;
  conv.c_out = 64;
  conv.kernel = 9;
  conv.out_pixels = 28 * 28;
  // PE = coarse_out = 8, SIMD = coarse_in x fine = 4 x 9 = 36.
  EXPECT_EQ(stage_cycles_per_image(conv, {4, 8, 9}), (64 / 8) * (288 / 36) * 28 * 28);  // 50,176
  EXPECT_EQ(stage_cycles_per_image(conv, {1, 1, 1}), 64 * 288 * 28 * 28);               // fully folded = MACs
}

TEST(FpgaMemoryBlocks, BramAndUramAspectRatios) {
  // UG573: BRAM36 is 32Kx1 ... 4Kx9, 2Kx18, 1Kx36, 512x72; URAM288 is 4Kx72.
  EXPECT_EQ(bram36_for_bank(1024, 36), 1);
  EXPECT_EQ(bram36_for_bank(4096, 8), 1);  // 4Kx9
  EXPECT_EQ(bram36_for_bank(4097, 8), 2);
  EXPECT_EQ(bram36_for_bank(512, 72), 1);
  EXPECT_EQ(bram36_for_bank(512, 144), 2);
  EXPECT_EQ(bram36_for_bank(100, 8), 1);
  EXPECT_EQ(uram_for_bank(4096, 72), 1);
  EXPECT_EQ(uram_for_bank(8192, 8), 2);
  EXPECT_EQ(lutram_for_bank(64, 8), 8);  // 64x1 per LUT6
}

TEST(FpgaStreamingStage, WeightMemoryOneWideWordPerCycle) {
  StreamingSpec spec;
  spec.lutram_max_depth = 64;
  StageShape s;  // 1x1 conv 256 -> 256, int8: 65,536 weights
  s.kind = StageKind::matrix;
  s.c_in_g = 256;
  s.c_out = 256;
  s.weights = 256 * 256;
  // 16 multipliers read 16 x 8 = 128-bit words, 65,536 / 16 = 4,096 deep:
  // 4Kx9 BRAM36 shape -> ceil(128 / 9) = 15 blocks (= ceil(4096 * 128 / 36,864) = 15).
  EXPECT_EQ(stage_cost(s, {4, 4, 1}, spec, WeightStore::bram).bram36, 15);
  // 2,048 multipliers -> 32 words deep: LUTRAM, no BRAM.
  EXPECT_EQ(stage_cost(s, {32, 64, 1}, spec, WeightStore::bram).bram36, 0);
  // URAM (4Kx72): 4,096 deep x 128 bits -> ceil(128 / 72) = 2 URAMs.
  EXPECT_EQ(stage_cost(s, {4, 4, 1}, spec, WeightStore::uram).uram, 2);
}

}  // namespace
}  // namespace orrery::arch::fpga
