// The DPU generations beyond the MPSoC DPUCZDX8G: processing engines sharing weights, AI Engine
// clocks, dedicated depthwise datapaths, channel augmentation, and resources against the product
// guides' tables. Golden numbers are hand-derived from the configs' cited figures.
#include <gtest/gtest.h>

#include "arch/fpga/family.hpp"
#include "arch/fpga/overlay_timing.hpp"
#include "common/error.hpp"
#include "mappers/fpga/overlay_mapper.hpp"
#include "tests/arch/fpga/fpga_test_support.hpp"
#include "workloads/op.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::arch::fpga {
namespace {

using mappers::fpga::map_overlay;
using mappers::fpga::OverlayUnit;
using workloads::DType;
using workloads::make_op;

FpgaSpec spec_of(const std::string& file, const std::vector<config::Override>& sets = {}) {
  return make_spec(test::fpga::load(file, sets));
}

TEST(FpgaDpuGenerations, DepthwiseOnTheMpsocAluRunsAtHalfThePixelParallelism) {
  // PG338: "the parallelism of depthwise convolution is half that of the pixel parallelism";
  // the B4096 target's ALU is pp 4 x cp 16. depthwise 3x3 on 14x14x32: 14 rows x ceil(14/4) = 4
  // x ceil(32/16) = 2 x 9 taps = 1,008 cycles (504 on the pp = 8 array).
  const auto m = map_overlay(make_op("dw", test::fpga::conv2d(32, 14, 32, 3, 1, 1, 32), DType::int8),
                             spec_of("zcu102_dpu.yaml").overlay);
  EXPECT_EQ(m.unit, OverlayUnit::dwconv);
  EXPECT_EQ(m.array_cycles, 1008);
  EXPECT_EQ(m.blocks, 14 * 4 * 2);
  // 56,448 MACs over 1,008 cycles of 64 lanes: 14/16 of the pixel lanes busy.
  EXPECT_NEAR(m.array_utilization, 56448.0 / (1008.0 * 64.0), 1e-12);
}

TEST(FpgaDpuGenerations, ChannelAugmentationPacksKernelColumnsIntoChannels) {
  // ResNet-50's conv1, 3 -> 64, 7x7 stride 2 on 224: c_in x kernel_w = 21 <= 32 channels, so
  // ceil(21/16) = 2 channel steps x 7 kernel rows instead of 1 x 49. Output 112 x 112:
  // 112 rows x ceil(112/8) = 14 x ceil(64/16) = 4 blocks x 2 x 7 = 87,808 cycles.
  const auto op = make_op("conv1", test::fpga::conv2d(3, 224, 64, 7, 2, 3), DType::int8);
  EXPECT_EQ(map_overlay(op, spec_of("zcu102_dpu.yaml").overlay).array_cycles, 112 * 14 * 4 * 2 * 7);
  EXPECT_EQ(map_overlay(op, spec_of("zcu102_dpu.yaml", {{"overlay.channel_augmentation", "0"}}).overlay)
                .array_cycles,
            112 * 14 * 4 * 1 * 49);
}

TEST(FpgaDpuGenerations, ProcessingEnginesShareWeightsAndEachLoadTheirFeatureMaps) {
  // VCK5000 DPUCVDX8H: 4 PEs in lock step fetch one copy of the weights and 4 of the feature maps.
  const auto op = make_op("c", test::fpga::conv2d(64, 28, 128, 3, 1, 1), DType::int8);
  const auto four = map_overlay(op, spec_of("vck5000_dpu.yaml").overlay);
  const auto one =
      map_overlay(op, spec_of("vck5000_dpu.yaml", {{"overlay.processing_engines", "1"}}).overlay);
  EXPECT_EQ(four.weight_read_bytes, one.weight_read_bytes);
  EXPECT_EQ(four.fmap_read_bytes, 4 * one.fmap_read_bytes);
  EXPECT_EQ(four.write_bytes, 4 * one.write_bytes);
  EXPECT_EQ(four.array_cycles, one.array_cycles);  // the PEs run side by side
  EXPECT_EQ(four.macs, 4 * one.macs);
}

TEST(FpgaDpuGenerations, AiEngineArrayRunsOnItsOwnClock) {
  // A pp 8 x icp 64 x ocp 128 block (65,536 MACs) at 4,096 MACs per AI Engine cycle takes 16
  // cycles at 1,250 MHz, i.e. 16 x 350 / 1,250 = 4.48 fabric cycles, / 0.75 efficiency = 5.973.
  const FpgaSpec s = spec_of("vck5000_dpu.yaml");
  mappers::fpga::OverlayMapping conv;
  conv.unit = OverlayUnit::conv;
  EXPECT_NEAR(overlay_unit_cycle_ratio(conv, s), 16.0 * 350.0 / 1250.0 / 0.75, 1e-12);
  // The PL depthwise unit (miscdwc variant) runs on the fabric clock; the aieDWC variant on the
  // AI Engine clock.
  mappers::fpga::OverlayMapping dw;
  dw.unit = OverlayUnit::dwconv;
  EXPECT_DOUBLE_EQ(overlay_unit_cycle_ratio(dw, s), 1.0);
  EXPECT_DOUBLE_EQ(
      overlay_unit_cycle_ratio(dw, spec_of("vck5000_dpu.yaml", {{"overlay.depthwise.clock", "array"}})),
      350.0 / 1250.0);
  // Peak: 4 PEs x 4,096 MACs x 1.25 GHz x 2 = 40.96 TOPS (UG1354: 10 TOPS per PE).
  EXPECT_NEAR(2.0 * overlay_peak_macs_per_fabric_cycle(s) * s.fabric_hz / 1e12, 40.96, 1e-9);
}

TEST(FpgaDpuGenerations, VariantWithoutDepthwiseRejectsDepthwiseLayers) {
  // DPUCAHX8H (U50LV) has no depthwise engine (the Vitis AI target lists none).
  const auto op = make_op("dw", test::fpga::conv2d(32, 14, 32, 3, 1, 1, 32), DType::int8);
  EXPECT_THROW(map_overlay(op, spec_of("u50lv_dpu.yaml").overlay), WorkloadError);
  EXPECT_NO_THROW(map_overlay(op, spec_of("u55c_dpu.yaml").overlay));  // the DWC variant
}

double resource(const RunResult& r, const char* key) { return r.resources.at(key).get<double>(); }

TEST(FpgaDpuGenerations, ResourcesMatchTheProductGuideTables) {
  workloads::Graph g("one_conv");
  g.add(make_op("c", test::fpga::conv2d(64, 28, 64, 3, 1, 1), DType::int8));
  FpgaFamily family;
  // PG367 (U50LV): DPUCAHX8H 5PE = 238,433 LUT, 420,289 FF, 147.5 BRAM36, 320 URAM, 2,598 DSP
  // per core; the U50LV carries two.
  const auto u50 = family.simulate(test::fpga::load("u50lv_dpu.yaml"), g, {"", Fidelity::analytical, 1});
  EXPECT_DOUBLE_EQ(resource(u50, "lut"), 2 * 238433.0);
  EXPECT_DOUBLE_EQ(resource(u50, "ff"), 2 * 420289.0);
  EXPECT_DOUBLE_EQ(resource(u50, "bram"), 2 * 147.5);
  EXPECT_DOUBLE_EQ(resource(u50, "uram"), 2 * 320.0);
  EXPECT_DOUBLE_EQ(resource(u50, "dsp"), 2 * 2598.0);
  EXPECT_TRUE(u50.resources.at("fits").get<bool>());
  // The 4PE row: 193,675 LUT, 338,966 FF, 143.5 BRAM36, 256 URAM, 2,080 DSP (one core).
  const auto u4 = family.simulate(
      test::fpga::load("u50lv_dpu.yaml", {{"overlay.cores", "1"}, {"overlay.processing_engines", "4"}}), g,
      {"", Fidelity::analytical, 1});
  EXPECT_DOUBLE_EQ(resource(u4, "lut"), 193675.0);
  EXPECT_DOUBLE_EQ(resource(u4, "ff"), 338966.0);
  EXPECT_DOUBLE_EQ(resource(u4, "bram"), 143.5);
  EXPECT_DOUBLE_EQ(resource(u4, "uram"), 256.0);
  EXPECT_DOUBLE_EQ(resource(u4, "dsp"), 2080.0);
  // PG338 4.1: B4096 with ALU parallel 4 = 51,388 LUT, 98,525 FF, 255 BRAM36, 710 DSP; ZCU102 x 3.
  const auto z = family.simulate(test::fpga::load("zcu102_dpu.yaml"), g, {"", Fidelity::analytical, 1});
  EXPECT_DOUBLE_EQ(resource(z, "lut"), 3 * 51388.0);
  EXPECT_DOUBLE_EQ(resource(z, "ff"), 3 * 98525.0);
  EXPECT_DOUBLE_EQ(resource(z, "bram"), 3 * 255.0);
  EXPECT_DOUBLE_EQ(resource(z, "dsp"), 3 * 710.0);
  // Versal: the AI Engines are a resource (VCK190 C32B6: 6 batch handlers x 32).
  const auto v = family.simulate(test::fpga::load("vck190_dpu.yaml"), g, {"", Fidelity::analytical, 1});
  EXPECT_DOUBLE_EQ(resource(v, "aie"), 192.0);
}

TEST(FpgaDpuGenerations, ThreeCoresOfFivePesExceedTheU50lv) {
  // 3 cores x 5 PEs x 64 URAM = 960 > the XCU50's 640: a config error.
  EXPECT_THROW(test::fpga::load("u50lv_dpu.yaml", {{"overlay.cores", "3"}}), ConfigError);
}

TEST(FpgaDpuGenerations, MultiThreadThroughputAndSingleThreadLatency) {
  // Vitis AI reports both: every core busy (throughput) and one thread on one core (latency,
  // the memory to itself). One thread submits a batch of processing_engines images.
  const auto g = workloads::zoo::build_model("resnet18", {1, DType::int8});
  FpgaFamily family;
  for (const char* file : {"zcu102_dpu.yaml", "u50lv_dpu.yaml", "vck5000_dpu.yaml"}) {
    const auto r = family.simulate(test::fpga::load(file), g, {"", Fidelity::analytical, 1});
    const double st_latency = resource(r, "single_thread_latency_s");
    const double st_rate = resource(r, "single_thread_throughput_per_s");
    const auto pes = static_cast<double>(r.resources.at("processing_engines").get<int64_t>());
    EXPECT_NEAR(st_rate * st_latency, pes, 1e-9) << file;
    EXPECT_LE(st_rate, r.throughput_per_s * (1 + 1e-12)) << file;
    EXPECT_DOUBLE_EQ(resource(r, "multi_thread_throughput_per_s"), r.throughput_per_s) << file;
    EXPECT_GE(resource(r, "latency_s"), st_latency * (1 - 1e-12)) << file;  // contention only adds
  }
}

}  // namespace
}  // namespace orrery::arch::fpga
