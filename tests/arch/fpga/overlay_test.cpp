// The overlay (DPU) mapper and timing against hand calculations.
#include <gtest/gtest.h>

#include "arch/fpga/overlay_calibration.hpp"
#include "arch/fpga/overlay_timing.hpp"
#include "common/error.hpp"
#include "mappers/fpga/overlay_mapper.hpp"
#include "tests/arch/fpga/fpga_test_support.hpp"
#include "workloads/op.hpp"

namespace orrery::arch::fpga {
namespace {

using mappers::fpga::map_overlay;
using mappers::fpga::OverlayUnit;
using workloads::DType;
using workloads::make_op;

OverlaySpec b4096() {
  OverlaySpec s;  // PG338 B4096: 8 x 16 x 16
  s.weight_buffer_bytes = 256 * 1024;
  s.fmap_buffer_bytes = 512 * 1024;
  s.misc_lanes = 32;
  return s;
}

TEST(FpgaOverlay, ConvUtilizationHandWorked) {
  // conv 3x3, 32 -> 48 channels, 14x14 output (pad 1). B4096 array cycles:
  // rows 14 x ceil(14/8) = 2 pixel blocks x ceil(32/16) = 2 x ceil(48/16) = 3 x 9 taps = 1,512.
  // MACs 14*14*48*32*9 = 2,709,504; utilization = 2,709,504 / (1,512 x 2,048) = 0.875 (= 14/16,
  // the pixel-parallel quantization of a 14-wide row on pp = 8).
  const auto op = make_op("c", test::fpga::conv2d(32, 14, 48, 3, 1, 1), DType::int8);
  const auto m = map_overlay(op, b4096());
  EXPECT_EQ(m.unit, OverlayUnit::conv);
  EXPECT_EQ(m.array_cycles, 1512);
  EXPECT_EQ(m.macs, 2709504);
  EXPECT_DOUBLE_EQ(m.array_utilization, 0.875);
  EXPECT_EQ(m.blocks, 14 * 2 * 3);  // pixel blocks x output-channel blocks
  // Everything fits: one tile, each tensor read once: weights 48*32*9, input 32*14*14, output 48*14*14.
  EXPECT_EQ(m.tiles, 1);
  EXPECT_EQ(m.weight_read_bytes, 48 * 32 * 9);
  EXPECT_EQ(m.fmap_read_bytes, 32 * 14 * 14);
  EXPECT_EQ(m.write_bytes, 48 * 14 * 14);
}

TEST(FpgaOverlay, DepthwiseUsesOneOcpLane) {
  // depthwise 3x3 on 14x14x32: channels over icp (2 groups of 16), pixels over pp:
  // 14 x 2 x 2 x 9 = 504 cycles; MACs 14*14*32*9 = 56,448; utilization = 56,448 / (504 x 2,048)
  // = 0.0547 = (14/16) x (1/16): the ocp lanes idle.
  const auto op = make_op("dw", test::fpga::conv2d(32, 14, 32, 3, 1, 1, 32), DType::int8);
  const auto m = map_overlay(op, b4096());
  EXPECT_EQ(m.unit, OverlayUnit::dwconv);
  EXPECT_EQ(m.array_cycles, 504);
  EXPECT_DOUBLE_EQ(m.array_utilization, 56448.0 / (504.0 * 2048.0));
  EXPECT_NEAR(m.array_utilization, 0.875 / 16, 1e-12);
}

TEST(FpgaOverlay, FullyConnectedUsesOnePixelLane) {
  // FC 2048 -> 1000 at batch 1: one pixel of pp = 8: ceil(2048/16) x ceil(1000/16) = 128 x 63
  // = 8,064 cycles; utilization = 2,048,000 / (8,064 x 2,048) = 0.124.
  workloads::GemmParams p{.batch = 1, .m = 1, .n = 1000, .k = 2048, .b_is_weight = true};
  const auto m = map_overlay(make_op("fc", p, DType::int8), b4096());
  EXPECT_EQ(m.array_cycles, 8064);
  EXPECT_NEAR(m.array_utilization, 2048000.0 / (8064.0 * 2048.0), 1e-12);
  // 2 MB of weights through a 128 KiB half buffer: 16 output-channel tiles.
  EXPECT_EQ(m.oc_tiles, (2048 * 1000 + 128 * 1024 - 1) / (128 * 1024));
}

TEST(FpgaOverlay, SpmmDenseFallbackHandWorked) {
  // spmm rows = cols = 64, nnz = 256, F = 16 (density 256 / 4096 = 1/16) on B4096 (8 x 16 x 16):
  // A as the dense weights of a 1x1 conv with 64 input and 64 output channels over F = 16 pixels.
  // Blocks: ceil(16/8) = 2 pixel blocks x ceil(64/16) = 4 oc blocks = 8; array cycles
  // 8 x ceil(64/16) = 32, i.e. the dense 64 x 64 x 16 = 65,536 MACs at 2,048 per cycle. Useful
  // MACs nnz x F = 4,096: utilization 4,096 / (32 x 2,048) = 1/16, the density. Weights 64 x 64
  // int8 = 4 KiB (one tile), X^T 16 x 64 B in, out^T 16 x 64 B out.
  workloads::SpmmParams p{.rows = 64, .cols = 64, .nnz = 256, .features = 16};
  const auto m = map_overlay(make_op("agg", p, DType::int8), b4096());
  EXPECT_EQ(m.unit, OverlayUnit::conv);
  EXPECT_EQ(m.blocks, 8);
  EXPECT_EQ(m.array_cycles, 32);
  EXPECT_EQ(m.macs, 4096);
  EXPECT_DOUBLE_EQ(m.array_utilization, 1.0 / 16.0);
  EXPECT_EQ(m.tiles, 1);
  EXPECT_EQ(m.weight_read_bytes, 64 * 64);
  EXPECT_EQ(m.fmap_read_bytes, 16 * 64);
  EXPECT_EQ(m.write_bytes, 16 * 64);
  EXPECT_NE(m.note.find("dense fallback"), std::string::npos) << m.note;
  EXPECT_NE(m.note.find("16x the 4096 useful"), std::string::npos) << m.note;
  // Its backward (a training op) is refused in one line, as every training op on the overlay.
  p.backward = true;
  EXPECT_THROW(map_overlay(make_op("agg.grad", p, DType::int8), b4096()), WorkloadError);
}

TEST(FpgaOverlay, TilingPicksTheCheaperLoopOrder) {
  // conv 3x3 512 -> 512 on 28x28: weights 2.36 MB (19 oc tiles of 128 KiB), input 401 KB.
  // Weights outer re-reads the input 19 times (7.6 MB); rows outer re-reads the weights per
  // row tile. The mapper must take the smaller.
  const auto op = make_op("c", test::fpga::conv2d(512, 28, 512, 3, 1, 1), DType::int8);
  const auto m = map_overlay(op, b4096());
  const int64_t weights = 512 * 512 * 9;
  EXPECT_EQ(m.oc_tiles, (weights + 131071) / 131072);
  EXPECT_GT(m.tiles, 1);
  const int64_t other =
      m.loop_order == "weights_outer" ? weights * m.row_tiles : weights + m.fmap_read_bytes * m.oc_tiles;
  EXPECT_LE(m.read_bytes(), other + 1);
  EXPECT_GE(m.weight_read_bytes, weights);  // never below compulsory traffic
  EXPECT_GE(m.fmap_read_bytes, 512 * 28 * 28);
}

TEST(FpgaOverlay, LayerTimingDoubleBufferFormula) {
  // layer cycles = overhead + m0 + (S - 1) * max(c, m) + c over S steps (one output row of one
  // weight tile each): per-step compute c, per-step load m, prologue m0 = one step's load plus
  // the latency (the first weight tile was prefetched during the previous layer).
  const auto cfg = test::fpga::load("zcu102_dpu.yaml");
  const FpgaSpec spec = make_spec(cfg);
  const auto op = make_op("c", test::fpga::conv2d(512, 28, 512, 3, 1, 1), DType::int8);
  const auto m = map_overlay(op, spec.overlay);
  // 512 x 512 x 9 = 2,359,296 B of weights through 256 KiB halves of the 512 KiB buffer: 9 oc
  // tiles of 28 output rows each.
  EXPECT_EQ(m.oc_tiles, 9);
  EXPECT_EQ(m.steps, 9 * 28);
  const double b = 10.0;  // bytes per cycle
  const double steps = static_cast<double>(m.steps);
  const auto& cal = kOverlayCalibration;
  const double c =
      (static_cast<double>(m.array_cycles) + static_cast<double>(m.blocks) * cal.block_overhead_cycles +
       static_cast<double>(m.tiles) * cal.tile_overhead_cycles) /
      steps;
  // Weight bytes cost 1 / weight_burst_efficiency of bandwidth time (short bursts).
  const double bytes = static_cast<double>(m.fmap_read_bytes + m.write_bytes) +
                       static_cast<double>(m.weight_read_bytes) / cal.weight_burst_efficiency;
  const double load = bytes / steps / b;
  const double first = load + 120e-9 * 281e6;
  const auto t = overlay_layer_timing(m, spec, b);
  EXPECT_NEAR(t.cycles, cal.layer_overhead_cycles + first + (steps - 1) * std::max(c, load) + c, 1e-6);
  EXPECT_GE(t.stall_cycles, 0);
  // Without prefetch the prologue waits for the whole first weight tile.
  const FpgaSpec no_prefetch =
      make_spec(test::fpga::load("zcu102_dpu.yaml", {{"overlay.prefetch_weights", "false"}}));
  // The first weight tile: weights_outer loads each of the 9 oc tiles once, rows_outer once per
  // row tile too.
  const double loads = 9.0 * (m.loop_order == "rows_outer" ? static_cast<double>(m.row_tiles) : 1.0);
  const double first_tile = static_cast<double>(m.weight_read_bytes) / cal.weight_burst_efficiency / loads +
                            static_cast<double>(m.fmap_read_bytes + m.write_bytes) / steps;
  const double later = (bytes - first_tile) / (steps - 1) / b;
  EXPECT_NEAR(
      overlay_layer_timing(m, no_prefetch, b).cycles,
      cal.layer_overhead_cycles + first_tile / b + 120e-9 * 281e6 + (steps - 1) * std::max(c, later) + c,
      1e-6);
}

TEST(FpgaOverlay, SharedBandwidthDoesNotScaleLinearly) {
  // VGG-16-like FC layer (bandwidth bound): 3 cores share 19.2 GB/s, so 3 cores give less than
  // 3x one core's throughput; a compute-bound conv (64 -> 64, 3x3 on 56x56: 56k array cycles for
  // 0.44 MB, 8 B/cycle per core against 41 B/cycle sustained) scales linearly.
  workloads::GemmParams fc{.batch = 1, .m = 1, .n = 4096, .k = 25088, .b_is_weight = true};
  const std::vector<mappers::fpga::OverlayMapping> bw_bound{
      map_overlay(make_op("fc", fc, DType::int8), b4096())};
  const auto three = make_spec(test::fpga::load("zcu102_dpu.yaml"));
  const auto one = make_spec(test::fpga::load("zcu102_dpu.yaml", {{"overlay.cores", "1"}}));
  const double scale_fc =
      overlay_run(bw_bound, three, 1).throughput_per_s / overlay_run(bw_bound, one, 1).throughput_per_s;
  EXPECT_LT(scale_fc, 1.5);
  EXPECT_TRUE(overlay_run(bw_bound, three, 1).bandwidth_bound);
  const std::vector<mappers::fpga::OverlayMapping> compute_bound{
      map_overlay(make_op("c", test::fpga::conv2d(64, 56, 64, 3, 1, 1), DType::int8), b4096())};
  const double scale_conv = overlay_run(compute_bound, three, 1).throughput_per_s /
                            overlay_run(compute_bound, one, 1).throughput_per_s;
  EXPECT_NEAR(scale_conv, 3.0, 0.05);
}

}  // namespace
}  // namespace orrery::arch::fpga
