// The streaming mapper: folding under the budget, fits / overflow, pipelined timing.
#include <gtest/gtest.h>

#include "arch/fpga/streaming_timing.hpp"
#include "mappers/fpga/streaming_mapper.hpp"
#include "tests/arch/fpga/fpga_test_support.hpp"
#include "workloads/op.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::arch::fpga {
namespace {

using workloads::DType;
using workloads::make_op;

workloads::Graph two_convs() {
  workloads::Graph g("two_convs");
  g.add(make_op("conv1", test::fpga::conv2d(16, 32, 32, 3, 1, 1), DType::int8));
  g.add(make_op("relu1", workloads::ElementwiseParams{"relu", 32 * 32 * 32, 0}, DType::int8), {0});
  g.add(make_op("conv2", test::fpga::conv2d(32, 32, 64, 3, 2, 1), DType::int8), {1});
  return g;
}

TEST(FpgaStreaming, GreedyFoldingBalancesStagesWithinBudget) {
  const FpgaSpec spec = make_spec(test::fpga::load("zc706_streaming.yaml"));
  const auto m = mappers::fpga::map_streaming(two_convs(), spec, 1);
  ASSERT_EQ(m.stages.size(), 2u);  // relu fused into conv1
  EXPECT_EQ(m.stages[0].fused_ops, std::vector<size_t>{1});
  EXPECT_TRUE(m.fits);
  EXPECT_LE(m.used.dsp, spec.device.available.dsp * spec.streaming.max_utilization);
  EXPECT_LE(m.used.bram36, spec.device.available.bram36 * spec.streaming.max_utilization);
  // Each stage's cycles follow the FINN formula for its chosen folding.
  for (const auto& s : m.stages)
    EXPECT_EQ(s.cost.cycles_per_image, (s.shape.c_out / s.folding.coarse_out) *
                                           (s.shape.c_in_g / s.folding.coarse_in) *
                                           (s.shape.kernel / s.folding.fine) * s.shape.out_pixels);
  // The work ratio is 1:1 (conv1: 32x32x32x16x9, conv2: 16x16x64x32x9 = 4.7 M MACs each). One
  // greedy step moves a factor to its next divisor (x2 for channels, x3 for a 3x3 window), so
  // the balanced stages end within a factor of 3 of each other.
  const double r = static_cast<double>(m.stages[0].cost.cycles_per_image) /
                   static_cast<double>(m.stages[1].cost.cycles_per_image);
  EXPECT_GE(r, 1.0 / 3.0);
  EXPECT_LE(r, 3.0);
  // Unfolded far beyond one multiplier per stage.
  EXPECT_GT(m.stages[0].folding.lanes(), 64);
}

TEST(FpgaStreaming, PipelineTimingIsSlowestStagePlusFill) {
  const FpgaSpec spec = make_spec(test::fpga::load("zc706_streaming.yaml"));
  const auto m = mappers::fpga::map_streaming(two_convs(), spec, 1);
  const auto t1 = streaming_timing(m, 1), t8 = streaming_timing(m, 8);
  EXPECT_EQ(t1.period_cycles, std::max({m.stages[0].cost.cycles_per_image, m.stages[1].cost.cycles_per_image,
                                        m.dma_in_cycles, m.dma_out_cycles}));
  EXPECT_EQ(t8.batch_cycles - t1.batch_cycles, 7 * t1.period_cycles);  // one period per further image
  // conv1 (3x3, pad 1, 32 rows) emits its first row after (3 - 1)/32 of its work.
  EXPECT_EQ(stage_fill_cycles(m.stages[0]), (m.stages[0].cost.cycles_per_image * 2 + 31) / 32);
}

TEST(FpgaStreaming, Vgg16DoesNotFitTheZc706) {
  // VGG-16's 138 M int8 weights (1.1 Gbit) against 545 BRAM36 (19.6 Mbit): with every weight on
  // chip (streaming.weights_from_ddr = false) a reported result, not an error.
  const FpgaSpec spec =
      make_spec(test::fpga::load("zc706_streaming.yaml", {{"streaming.weights_from_ddr", "false"}}));
  const auto g = workloads::zoo::build_model("vgg16", {1, DType::int8});
  const auto m = mappers::fpga::map_streaming(g, spec, 1);
  EXPECT_FALSE(m.fits);
  const auto j = m.resources_json();
  EXPECT_FALSE(j["fits"].get<bool>());
  ASSERT_TRUE(j["overflow"].contains("bram"));
  EXPECT_GT(j["overflow"]["bram"]["ratio"].get<double>(), 10.0);
}

TEST(FpgaStreaming, WeightsThatDoNotFitStreamFromDdr) {
  // conv 3x3 1024 -> 1024 on 7x7 (pad 1): 9,437,184 int8 weights = 2,048 BRAM36 of the ZC706's
  // 545. They stream from DDR instead, re-read for each of the 49 output pixels: 462,422,016 B
  // per image. With the 1,024 x 7 x 7 = 50,176 bytes in and as many out, the memory needs
  // ceil((50,176 + 50,176 + 462,422,016) / 64) = 7,226,912 cycles per image at 12.8 GB/s / 200 MHz.
  workloads::Graph g("big_conv");
  g.add(make_op("c", test::fpga::conv2d(1024, 7, 1024, 3, 1, 1), DType::int8));
  const FpgaSpec spec = make_spec(test::fpga::load("zc706_streaming.yaml"));
  const auto m = mappers::fpga::map_streaming(g, spec, 1);
  ASSERT_EQ(m.stages.size(), 1u);
  EXPECT_TRUE(m.fits);
  EXPECT_EQ(m.stages[0].store, WeightStore::ddr);
  EXPECT_EQ(m.weight_stream_bytes_per_image, 9437184LL * 49);
  EXPECT_EQ(m.ddr_cycles, (50176 + 50176 + 9437184LL * 49 + 63) / 64);
  // Off-chip bandwidth, not the stage, sets the period.
  EXPECT_EQ(m.period_cycles(), m.ddr_cycles);
  EXPECT_EQ(m.stop_reason, "off-chip bandwidth (DMA stage) is the bottleneck");
  // On chip it only keeps a 512-deep FIFO of lanes x 8-bit words: at one lane, 1 BRAM36.
  EXPECT_LT(m.used.bram36, 545);
}

TEST(FpgaStreaming, LowReuseStagesStreamFirst) {
  // VGG-16 on the ZCU102: the fully connected layers (one output pixel each) leave the chip
  // before any conv does.
  const FpgaSpec spec = make_spec(test::fpga::load("zcu102_streaming.yaml"));
  const auto g = workloads::zoo::build_model("vgg16", {1, DType::int8});
  const auto m = mappers::fpga::map_streaming(g, spec, 1);
  EXPECT_TRUE(m.fits);
  bool conv_streams = false, all_fc_stream = true;
  for (const auto& s : m.stages) {
    if (s.shape.kind != StageKind::matrix) continue;
    const bool fc = s.shape.out_pixels == 1;
    if (fc) all_fc_stream = all_fc_stream && s.store == WeightStore::ddr;
    if (!fc && s.store == WeightStore::ddr) conv_streams = true;
  }
  EXPECT_TRUE(all_fc_stream);
  (void)conv_streams;  // the convs may stream too (14.7 M weights > 32.8 Mbit of BRAM), but only after them
  EXPECT_GT(m.weight_stream_bytes_per_image, 123'000'000);  // at least the 123.6 M FC weights
}

}  // namespace
}  // namespace orrery::arch::fpga
