// Analytical vs SystemC (--fidelity cycle). Each TEST runs in its own process (ctest), so each
// elaborates SystemC once.
#include <gtest/gtest.h>

#include "arch/fpga/family.hpp"
#include "arch/fpga/sc/streaming_pipeline.hpp"
#include "arch/fpga/streaming_timing.hpp"
#include "mappers/fpga/streaming_mapper.hpp"
#include "tests/arch/fpga/fpga_test_support.hpp"
#include "workloads/op.hpp"

namespace orrery::arch::fpga {
namespace {

using workloads::DType;
using workloads::make_op;

workloads::Graph overlay_graph() {
  workloads::Graph g("overlay_small");
  g.add(make_op("c1", test::fpga::conv2d(64, 56, 64, 3, 1, 1), DType::int8));
  g.add(make_op("c2", test::fpga::conv2d(64, 56, 256, 1, 1, 0), DType::int8), {0});
  g.add(make_op("dw", test::fpga::conv2d(256, 56, 256, 3, 2, 1, 256), DType::int8), {1});
  g.add(make_op("c3", test::fpga::conv2d(256, 28, 512, 3, 1, 1), DType::int8), {2});
  return g;
}

TEST(FpgaFidelity, OverlayOneCoreAgreesExactly) {
  // One core: no contention; the SystemC loader/array pair reproduces the double-buffer formula.
  const auto cfg = test::fpga::load("zcu102_dpu.yaml", {{"overlay.cores", "1"}});
  FpgaFamily family;
  const auto g = overlay_graph();
  const auto a = family.simulate(cfg, g, {"", Fidelity::analytical, 1});
  const auto c = family.simulate(cfg, g, {"", Fidelity::cycle, 1});
  ASSERT_EQ(a.layers.size(), c.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i)
    EXPECT_NEAR(static_cast<double>(c.layers[i].stats.cycles), static_cast<double>(a.layers[i].stats.cycles),
                2.0)
        << a.layers[i].name;
}

TEST(FpgaFidelity, OverlayManyCoresAmpleBandwidthScales) {
  // Ample bandwidth: the three cores never wait for each other, so the SystemC throughput equals
  // the analytical 3 / latency.
  const auto cfg = test::fpga::load("zcu102_dpu.yaml", {{"memory.bandwidth_gb_per_s", "10000"}});
  FpgaFamily family;
  const auto g = overlay_graph();
  const auto a = family.simulate(cfg, g, {"", Fidelity::analytical, 1});
  const auto c = family.simulate(cfg, g, {"", Fidelity::cycle, 1});
  EXPECT_NEAR(c.throughput_per_s / a.throughput_per_s, 1.0, 1e-3);
}

TEST(FpgaFidelity, OverlaySharedChannelShowsContention) {
  // Starved memory: 3 cores on 1 GB/s stretch each other's loads in the channel's queue.
  const auto cfg = test::fpga::load("zcu102_dpu.yaml", {{"memory.bandwidth_gb_per_s", "1"}});
  const auto one =
      test::fpga::load("zcu102_dpu.yaml", {{"memory.bandwidth_gb_per_s", "1"}, {"overlay.cores", "1"}});
  FpgaFamily family;
  const auto g = overlay_graph();
  const auto c = family.simulate(cfg, g, {"", Fidelity::cycle, 1});
  const auto a1 = family.simulate(one, g, {"", Fidelity::analytical, 1});
  EXPECT_LT(c.throughput_per_s, 2.0 * a1.throughput_per_s);  // far from 3x
}

workloads::Graph conv_then_fc() {
  // conv 3x3 on 16x16x8 -> 16 (streams rows), then a fully connected layer that needs the whole
  // feature map before its first output: a bursty consumer.
  workloads::Graph g("conv_fc");
  g.add(make_op("conv", test::fpga::conv2d(8, 16, 16, 3, 1, 1), DType::int8));
  workloads::GemmParams fc{.batch = 1, .m = 1, .n = 64, .k = 16 * 16 * 16, .b_is_weight = true};
  g.add(make_op("fc", fc, DType::int8), {0});
  return g;
}

TEST(FpgaFidelity, StreamingDeepFifosAgreeWithSlowestStage) {
  const auto cfg = test::fpga::load("zc706_streaming.yaml", {{"streaming.fifo_depth_rows", "4096"}});
  const FpgaSpec spec = make_spec(cfg);
  const auto m = mappers::fpga::map_streaming(conv_then_fc(), spec, 1);
  const auto t = streaming_timing(m, 1);
  const auto r = sc::run_streaming_sc(m, 1);
  EXPECT_EQ(r.period_cycles, t.period_cycles);
  // Latency: the analytical fill is an estimate; the SystemC run measures it (within 25 %).
  EXPECT_NEAR(static_cast<double>(r.first_image_cycles), static_cast<double>(t.latency_cycles),
              0.25 * static_cast<double>(t.latency_cycles));
}

TEST(FpgaFidelity, StreamingShallowFifoStallsBurstyStages) {
  // Depth 1: while the FC stage computes image k it reads nothing, the conv stage fills its one
  // row slot and stops, so conv and FC no longer overlap: the period approaches conv + FC
  // instead of max(conv, FC). The analytical model cannot see this.
  const auto cfg = test::fpga::load("zc706_streaming.yaml", {{"streaming.fifo_depth_rows", "1"}});
  const FpgaSpec spec = make_spec(cfg);
  const auto m = mappers::fpga::map_streaming(conv_then_fc(), spec, 1);
  const auto t = streaming_timing(m, 1);
  const auto r = sc::run_streaming_sc(m, 1);
  const int64_t conv = m.stages[0].cost.cycles_per_image, fc = m.stages[1].cost.cycles_per_image;
  EXPECT_GT(r.period_cycles, t.period_cycles);
  EXPECT_GE(r.period_cycles, std::min(conv, fc) / 2 + std::max(conv, fc));
}

TEST(FpgaFidelity, StreamingBandwidthStarvedSource) {
  // 0.01 GB/s: the input DMA (16x16x8 bytes, 41k cycles) is the slowest stage in both fidelities.
  const auto cfg = test::fpga::load(
      "zc706_streaming.yaml", {{"memory.bandwidth_gb_per_s", "0.01"}, {"streaming.fifo_depth_rows", "4096"}});
  const FpgaSpec spec = make_spec(cfg);
  const auto m = mappers::fpga::map_streaming(conv_then_fc(), spec, 1);
  const auto r = sc::run_streaming_sc(m, 1);
  EXPECT_EQ(streaming_timing(m, 1).period_cycles, m.dma_in_cycles);
  EXPECT_EQ(r.period_cycles, m.dma_in_cycles);
}

TEST(FpgaFidelity, StreamingWeightsFromDdrShareTheMemory) {
  // A conv whose weights do not fit the ZC706 streams them from DDR. In the SystemC model the
  // input DMA, the output DMA and the weight stream take turns on one memory; its period must
  // land on the analytical ddr_cycles (the memory, not the stage, is the bottleneck).
  workloads::Graph g("big_conv");
  g.add(make_op("c", test::fpga::conv2d(256, 14, 512, 3, 1, 1), DType::int8));
  const auto cfg = test::fpga::load("zc706_streaming.yaml",
                                    {{"device.bram36", "64"}, {"streaming.fifo_depth_rows", "4096"}});
  const FpgaSpec spec = make_spec(cfg);
  const auto m = mappers::fpga::map_streaming(g, spec, 1);
  ASSERT_GT(m.weight_stream_bytes_per_image, 0);
  ASSERT_EQ(streaming_timing(m, 1).period_cycles, m.ddr_cycles);
  const auto r = sc::run_streaming_sc(m, 1);
  // The weight stream runs up to two rows (of 14) ahead of the stage, so over the two intervals
  // the model averages (images 3 to 5 of 6) it can gain 2 / 28 = 7 % at most: within 5 % here.
  EXPECT_NEAR(static_cast<double>(r.period_cycles) / static_cast<double>(m.ddr_cycles), 1.0, 0.05);
  EXPECT_LE(r.period_cycles, m.ddr_cycles);
}

TEST(FpgaFidelity, OverlayNewGenerationsOneCoreAgreeExactly) {
  // Processing engines, AI Engine clocks, dedicated depthwise units and the step pipeline: with
  // one core the SystemC loader/array pair reproduces the analytical layers on every engine.
  const auto g = overlay_graph();
  FpgaFamily family;
  for (const char* file : {"vck5000_dpu.yaml", "vck190_dpu.yaml", "u55c_dpu.yaml", "vek280_dpu.yaml"}) {
    const auto cfg = test::fpga::load(file, {{"overlay.cores", "1"}});
    const auto a = family.simulate(cfg, g, {"", Fidelity::analytical, 1});
    const auto c = family.simulate(cfg, g, {"", Fidelity::cycle, 1});
    ASSERT_EQ(a.layers.size(), c.layers.size());
    for (size_t i = 0; i < a.layers.size(); ++i)
      EXPECT_NEAR(static_cast<double>(c.layers[i].stats.cycles),
                  static_cast<double>(a.layers[i].stats.cycles), 2.0)
          << file << " " << a.layers[i].name;
    EXPECT_NEAR(c.throughput_per_s / a.throughput_per_s, 1.0, 1e-3) << file;
  }
}

}  // namespace
}  // namespace orrery::arch::fpga
