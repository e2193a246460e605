#include "arch/fpga/spec.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::arch::fpga {

using config::KeyType;
using config::Value;

std::string_view to_string(Engine e) { return e == Engine::overlay ? "overlay" : "streaming"; }

Resources& Resources::operator+=(const Resources& o) {
  dsp += o.dsp;
  lut += o.lut;
  ff += o.ff;
  bram36 += o.bram36;
  uram += o.uram;
  aie += o.aie;
  return *this;
}

Resources Resources::operator*(double k) const {
  return {dsp * k, lut * k, ff * k, bram36 * k, uram * k, aie * k};
}

std::shared_ptr<const config::Schema> make_schema() {
  auto s = std::make_shared<config::Schema>("fpga");
  // Device (vendor data sheet).
  s->add_integer("device.lut", "LUTs", "6-input LUTs of the device", std::nullopt, 1, 1e8);
  s->add_integer("device.ff", "FFs", "flip-flops of the device", std::nullopt, 1, 1e8);
  s->add_integer("device.dsp", "DSP48", "DSP slices of the device", std::nullopt, 1, 1e6);
  s->add_integer("device.bram36", "BRAM36", "36 Kbit block RAMs of the device", std::nullopt, 0, 1e6);
  s->add_integer("device.uram", "URAM288", "288 Kbit UltraRAMs of the device (0 on 7-series and ZU9EG)", 0, 0,
                 1e6);
  s->add_integer("device.aie", "tiles", "AI Engine (or AIE-ML) tiles of the device (Versal; 0 elsewhere)", 0,
                 0, 1e5);
  // Clocks.
  s->add_real("clock.fabric_mhz", "MHz", "fabric (engine) clock", std::nullopt, 1, 2000);
  s->add_real("clock.dsp_mhz", "MHz", "DSP clock (the DPU runs its DSPs at 2x the fabric clock)",
              std::nullopt, 1, 2000);
  s->add_real("clock.array_mhz", "MHz",
              "clock of the overlay's conv array: the AI Engine clock on Versal DPUs; 0 = the fabric clock",
              0.0, 0, 5000);
  // Off-chip memory.
  s->add({.path = "memory.type",
          .type = KeyType::choice,
          .doc = "off-chip memory technology",
          .choices = {"ddr3", "ddr4", "hbm2"}});
  s->add_integer("memory.channels", "", "independent memory channels", 1, 1, 64);
  s->add_real("memory.bandwidth_gb_per_s", "GB/s",
              "peak off-chip bandwidth of all channels together (1 GB = 1e9 B)", std::nullopt, 1e-3, 1e5);
  s->add_real("memory.latency_ns", "ns", "first-byte latency of an off-chip read burst", 100.0, 0, 1e6);
  // Power.
  s->add_real("power.static_w", "W", "static power of the configured device and board (PL + PS idle)",
              std::nullopt, 0, 1e4);
  s->add_real("power.dsp_uw_per_mhz", "uW/MHz", "dynamic power of one busy DSP slice per MHz", 8.0, 0, 1e6);
  s->add_real("power.bram_uw_per_mhz", "uW/MHz", "dynamic power of one active BRAM36 per MHz", 12.0, 0, 1e6);
  s->add_real("power.uram_uw_per_mhz", "uW/MHz", "dynamic power of one active URAM288 per MHz", 30.0, 0, 1e6);
  s->add_real("power.klut_uw_per_mhz", "uW/MHz", "dynamic power of 1,000 used LUTs (logic + routing) per MHz",
              40.0, 0, 1e6);
  s->add_real("power.kff_uw_per_mhz", "uW/MHz", "dynamic power of 1,000 used flip-flops per MHz", 8.0, 0,
              1e6);
  s->add_real("power.ddr_pj_per_byte", "pJ/B", "off-chip access energy per byte (PHY + DRAM)", 120.0, 0, 1e6);
  s->add_real("power.uncertainty", "", "relative uncertainty reported with every power figure", 0.25, 0, 1);
  // Engine template.
  s->add(
      {.path = "engine",
       .type = KeyType::choice,
       .doc =
           "overlay: a fixed MAC engine running layers in sequence from DDR (DPU); streaming: one pipeline "
           "stage per layer (fpgaConvNet/FINN)",
       .choices = {"overlay", "streaming"}});
  // Overlay (DPU) engine; the defaults describe one DPUCZDX8G B4096 core (PG338).
  s->add_integer("overlay.cores", "",
                 "independent engine instances (one inference thread each) sharing the off-chip memory", 1, 1,
                 64);
  s->add_integer("overlay.processing_engines", "PEs",
                 "MAC arrays per core (PEs, batch handlers), one image each in lock step, sharing the core's "
                 "weight buffer and weight fetches",
                 1, 1, 64);
  s->add_integer("overlay.pp", "pixels", "pixel parallelism of one PE's array (output pixels per block)", 8,
                 1, 1024);
  s->add_integer("overlay.icp", "channels", "input-channel parallelism of one PE's array", 16, 1, 1024);
  s->add_integer("overlay.ocp", "channels", "output-channel parallelism of one PE's array", 16, 1, 1024);
  s->add_integer("overlay.array_macs_per_cycle", "MACs/cycle",
                 "peak MACs one PE's array completes per array cycle; 0 = pp*icp*ocp (one block per cycle)",
                 0, 0, 1e7);
  s->add_real("overlay.array_efficiency", "",
              "sustained / peak rate of the array's kernels, from the product guide (AI Engine kernels)", 1.0,
              0.01, 1);
  s->add({.path = "overlay.prefetch_weights",
          .type = KeyType::boolean,
          .doc = "the first weight tile of a layer loads into the free half of the weight buffer while the "
                 "previous layer runs (false: each layer waits for its first weight tile)",
          .default_value = Value{true}});
  s->add_integer(
      "overlay.channel_augmentation", "channels",
      "a conv whose c_in x kernel_w fits this many channels runs with its kernel columns packed into "
      "the icp lanes (Vitis AI target channel_augmentation); 0 = none",
      0, 0, 1 << 16);
  s->add({.path = "overlay.depthwise.unit",
          .type = KeyType::choice,
          .doc = "depthwise conv datapath: array (channels over icp, ocp idle), dedicated (its own pp x cp "
                 "lanes), none (the variant has none: a depthwise layer is an error)",
          .default_value = Value{std::string("array")},
          .choices = {"array", "dedicated", "none"}});
  s->add_integer("overlay.depthwise.pp", "pixels", "dedicated depthwise unit: output pixels per cycle", 4, 1,
                 1024);
  s->add_integer("overlay.depthwise.cp", "channels", "dedicated depthwise unit: channels per cycle", 16, 1,
                 1024);
  s->add({.path = "overlay.depthwise.clock",
          .type = KeyType::choice,
          .doc = "clock of the dedicated depthwise unit: fabric (PL) or array (AI Engine)",
          .default_value = Value{std::string("fabric")},
          .choices = {"fabric", "array"}});
  s->add({.path = "overlay.misc_clock",
          .type = KeyType::choice,
          .doc = "clock of the misc (pool/eltwise) engine: fabric (PL) or array (AI Engine)",
          .default_value = Value{std::string("fabric")},
          .choices = {"fabric", "array"}});
  s->add_integer("overlay.weight_buffer_kb", "KiB",
                 "weight buffer of one core, shared by its PEs (both halves of the double buffer)", 256, 1,
                 1LL << 20);
  s->add_integer("overlay.fmap_buffer_kb", "KiB", "feature-map buffer of one PE (input and output banks)",
                 512, 1, 1LL << 20);
  s->add_real("overlay.port_bytes_per_cycle", "B/cycle",
              "one core's off-chip data ports, bytes per fabric cycle", 32, 1, 1e6);
  s->add_integer(
      "overlay.images_per_batch", "images",
      "images one PE runs one after another on its array, sharing each weight fetch (1 on the Vitis AI DPUs)",
      1, 1, 64);
  s->add_integer("overlay.misc_lanes", "elements/cycle",
                 "throughput of one PE's misc engine (pool, eltwise): its pixel x channel parallelism", 32, 1,
                 1e6);
  // Resources: a core's shared logic plus each PE's share (product-guide tables; fractional BRAM
  // counts are half BRAM36s).
  s->add_real("overlay.dsp_per_core", "DSP48", "DSPs of one core's shared logic (all of it with one PE)", 642,
              0, 1e6);
  s->add_real("overlay.lut_per_core", "LUTs", "LUTs of one core's shared logic", 51653, 0, 1e8);
  s->add_real("overlay.ff_per_core", "FFs", "flip-flops of one core's shared logic", 98505, 0, 1e8);
  s->add_real("overlay.bram_per_core", "BRAM36", "BRAM36 of one core's shared logic", 255, 0, 1e6);
  s->add_real("overlay.uram_per_core", "URAM288", "URAM288 of one core's shared logic", 0, 0, 1e6);
  s->add_real("overlay.aie_per_core", "tiles", "AI Engine tiles of one core's shared part", 0, 0, 1e5);
  s->add_real("overlay.dsp_per_pe", "DSP48", "DSPs each PE adds", 0, 0, 1e6);
  s->add_real("overlay.lut_per_pe", "LUTs", "LUTs each PE adds", 0, 0, 1e8);
  s->add_real("overlay.ff_per_pe", "FFs", "flip-flops each PE adds", 0, 0, 1e8);
  s->add_real("overlay.bram_per_pe", "BRAM36", "BRAM36 each PE adds", 0, 0, 1e6);
  s->add_real("overlay.uram_per_pe", "URAM288", "URAM288 each PE adds", 0, 0, 1e6);
  s->add_real("overlay.aie_per_pe", "tiles", "AI Engine tiles each PE uses (its conv array)", 0, 0, 1e5);
  // Streaming engine: per-unit cost constants (rough, from fpgaConvNet/FINN resource models).
  // The overlay's fitted constants (overlay_calibration.hpp says what each was fitted on); the
  // defaults are the fit, which every shipped overlay config uses.
  const OverlayCalibration& fit = kOverlayCalibration;
  s->add_real("overlay.calibration.ddr_efficiency", "",
              "fitted (ZCU102 ResNet-50/VGG-16/MobileNetV2, U250 ResNet-50, VCK5000 4PE "
              "ResNet-50/MobileNetV2/VGG-16): "
              "fraction of peak off-chip bandwidth the engine's masters sustain",
              fit.ddr_efficiency, 0.01, 1);
  s->add_real(
      "overlay.calibration.weight_burst_efficiency", "",
      "fitted (VGG-16 against ResNet-50/MobileNetV2 on the ZCU102 and VCK5000): bandwidth efficiency of "
      "short weight bursts relative to feature-map bursts",
      fit.weight_burst_efficiency, 0.01, 1);
  s->add_real("overlay.calibration.layer_overhead_cycles", "cycles",
              "fitted (MobileNetV2's many small layers, VCK5000 and ZCU102): per-layer instruction fetch, "
              "sync and drain",
              fit.layer_overhead_cycles, 0, 1e9);
  s->add_real("overlay.calibration.block_overhead_cycles", "cycles",
              "fitted (ResNet-50 on ZCU102 and U250): per output block, accumulator load and result drain",
              fit.block_overhead_cycles, 0, 1e6);
  s->add_real("overlay.calibration.tile_overhead_cycles", "cycles",
              "fitted (ResNet-50 and MobileNetV2): per buffer tile, descriptor and buffer switch",
              fit.tile_overhead_cycles, 0, 1e9);
  s->add_integer("streaming.fifo_depth_rows", "rows", "depth of each inter-stage FIFO, in feature-map rows",
                 4, 1, 1 << 20);
  s->add_real("streaming.max_utilization", "", "fraction of each device resource the mapper may fill", 0.85,
              0.01, 1);
  s->add_real("streaming.lut_per_mac_lane", "LUTs", "accumulator and adder-tree LUTs per parallel multiplier",
              40, 0, 1e4);
  s->add_real("streaming.ff_per_mac_lane", "FFs", "pipeline registers per parallel multiplier", 60, 0, 1e4);
  s->add_real("streaming.lut_per_stage", "LUTs", "control, sliding window and stream glue of one stage", 1500,
              0, 1e6);
  s->add_real("streaming.ff_per_stage", "FFs", "registers of one stage's control and glue", 2000, 0, 1e6);
  s->add_real("streaming.lut_per_misc_lane", "LUTs",
              "LUTs (and as many FFs) of one lane of a pool/eltwise/concat/softmax stage", 30, 0, 1e4);
  s->add_integer("streaming.lutram_max_depth", "words",
                 "memories at most this deep go to LUTRAM instead of BRAM", 64, 0, 1 << 20);
  s->add({.path = "streaming.weights_from_ddr",
          .type = KeyType::boolean,
          .doc = "weights that do not fit on chip stream from off-chip memory (re-read for every output "
                 "pixel) instead of the design not fitting",
          .default_value = Value{true}});
  s->add_integer("streaming.weight_fifo_words", "words",
                 "depth of the FIFO through which a stage's off-chip weights stream (lanes x w bits wide)",
                 512, 1, 1 << 20);
  return s;
}

FpgaSpec make_spec(const config::Resolved& c) {
  FpgaSpec s;
  s.name = c.name();
  s.device.available = {.dsp = static_cast<double>(c.integer("device.dsp")),
                        .lut = static_cast<double>(c.integer("device.lut")),
                        .ff = static_cast<double>(c.integer("device.ff")),
                        .bram36 = static_cast<double>(c.integer("device.bram36")),
                        .uram = static_cast<double>(c.integer("device.uram")),
                        .aie = static_cast<double>(c.integer("device.aie"))};
  s.fabric_hz = c.real("clock.fabric_mhz") * 1e6;
  s.dsp_hz = c.real("clock.dsp_mhz") * 1e6;
  s.array_hz = c.real("clock.array_mhz") > 0 ? c.real("clock.array_mhz") * 1e6 : s.fabric_hz;
  s.memory = {.type = c.string("memory.type"),
              .channels = c.integer("memory.channels"),
              .bandwidth_bytes_per_s = c.real("memory.bandwidth_gb_per_s") * 1e9,
              .latency_s = c.real("memory.latency_ns") * 1e-9};
  s.power = {.static_w = c.real("power.static_w"),
             .dsp_uw_per_mhz = c.real("power.dsp_uw_per_mhz"),
             .bram_uw_per_mhz = c.real("power.bram_uw_per_mhz"),
             .uram_uw_per_mhz = c.real("power.uram_uw_per_mhz"),
             .klut_uw_per_mhz = c.real("power.klut_uw_per_mhz"),
             .kff_uw_per_mhz = c.real("power.kff_uw_per_mhz"),
             .ddr_pj_per_byte = c.real("power.ddr_pj_per_byte"),
             .uncertainty = c.real("power.uncertainty")};
  s.engine = c.string("engine") == "overlay" ? Engine::overlay : Engine::streaming;
  auto& o = s.overlay;
  o.cores = c.integer("overlay.cores");
  o.processing_engines = c.integer("overlay.processing_engines");
  o.pp = c.integer("overlay.pp");
  o.icp = c.integer("overlay.icp");
  o.ocp = c.integer("overlay.ocp");
  o.array_macs_per_cycle = c.integer("overlay.array_macs_per_cycle") > 0
                               ? c.integer("overlay.array_macs_per_cycle")
                               : o.macs_per_cycle();
  o.array_efficiency = c.real("overlay.array_efficiency");
  o.channel_augmentation = c.integer("overlay.channel_augmentation");
  o.prefetch_weights = c.boolean("overlay.prefetch_weights");
  const std::string dw = c.string("overlay.depthwise.unit");
  o.depthwise = {
      .unit = dw == "array"       ? DepthwiseUnit::array
              : dw == "dedicated" ? DepthwiseUnit::dedicated
                                  : DepthwiseUnit::none,
      .pp = c.integer("overlay.depthwise.pp"),
      .cp = c.integer("overlay.depthwise.cp"),
      .clock = c.string("overlay.depthwise.clock") == "array" ? UnitClock::array : UnitClock::fabric};
  o.misc_clock = c.string("overlay.misc_clock") == "array" ? UnitClock::array : UnitClock::fabric;
  o.weight_buffer_bytes = c.integer("overlay.weight_buffer_kb") * 1024;
  o.fmap_buffer_bytes = c.integer("overlay.fmap_buffer_kb") * 1024;
  o.port_bytes_per_cycle = c.real("overlay.port_bytes_per_cycle");
  o.misc_lanes = c.integer("overlay.misc_lanes");
  o.images_per_batch = c.integer("overlay.images_per_batch");
  auto resources = [&](const std::string& suffix) {
    return Resources{.dsp = c.real("overlay.dsp_" + suffix),
                     .lut = c.real("overlay.lut_" + suffix),
                     .ff = c.real("overlay.ff_" + suffix),
                     .bram36 = c.real("overlay.bram_" + suffix),
                     .uram = c.real("overlay.uram_" + suffix),
                     .aie = c.real("overlay.aie_" + suffix)};
  };
  o.per_core = resources("per_core");
  o.per_pe = resources("per_pe");
  o.calibration = {.ddr_efficiency = c.real("overlay.calibration.ddr_efficiency"),
                   .weight_burst_efficiency = c.real("overlay.calibration.weight_burst_efficiency"),
                   .layer_overhead_cycles = c.real("overlay.calibration.layer_overhead_cycles"),
                   .block_overhead_cycles = c.real("overlay.calibration.block_overhead_cycles"),
                   .tile_overhead_cycles = c.real("overlay.calibration.tile_overhead_cycles")};
  auto& st = s.streaming;
  st.fifo_depth_rows = c.integer("streaming.fifo_depth_rows");
  st.max_utilization = c.real("streaming.max_utilization");
  st.lut_per_mac_lane = c.real("streaming.lut_per_mac_lane");
  st.ff_per_mac_lane = c.real("streaming.ff_per_mac_lane");
  st.lut_per_stage = c.real("streaming.lut_per_stage");
  st.ff_per_stage = c.real("streaming.ff_per_stage");
  st.lut_per_misc_lane = c.real("streaming.lut_per_misc_lane");
  st.lutram_max_depth = c.integer("streaming.lutram_max_depth");
  st.weights_from_ddr = c.boolean("streaming.weights_from_ddr");
  st.weight_fifo_words = c.integer("streaming.weight_fifo_words");
  return s;
}

void check(const config::Resolved& c) {
  auto origin = [&](const char* key) { return c.entries().at(key).origin; };
  if (c.string("engine") != "overlay") return;
  // The overlay's cores must fit the device: a board whose DPU cores need more DSPs (or other
  // blocks) than the device has is impossible, not a design to report as not fitting.
  const int64_t cores = c.integer("overlay.cores");
  const int64_t pes = c.integer("overlay.processing_engines");
  const std::pair<const char*, const char*> kinds[] = {{"dsp", "device.dsp"},   {"lut", "device.lut"},
                                                       {"ff", "device.ff"},     {"bram", "device.bram36"},
                                                       {"uram", "device.uram"}, {"aie", "device.aie"}};
  for (const auto& [kind, device] : kinds) {
    const std::string per_core = fmt::format("overlay.{}_per_core", kind);
    const std::string per_pe = fmt::format("overlay.{}_per_pe", kind);
    const double need =
        static_cast<double>(cores) * (c.real(per_core) + static_cast<double>(pes) * c.real(per_pe));
    if (need > static_cast<double>(c.integer(device)))
      throw ConfigError(fmt::format("{}: {}: {} cores x ({} + {} PEs x {}) = {} exceed {} = {} ({})",
                                    origin(per_core.c_str()), per_core, cores, c.real(per_core), pes,
                                    c.real(per_pe), need, device, c.integer(device), origin(device)));
  }
  // A core's weight buffer half must hold one icp x ocp weight block.
  const int64_t block = c.integer("overlay.icp") * c.integer("overlay.ocp");
  if (c.integer("overlay.weight_buffer_kb") * 1024 / 2 < block)
    throw ConfigError(
        fmt::format("{}: overlay.weight_buffer_kb: half the buffer must hold one icp x ocp = {} B block",
                    origin("overlay.weight_buffer_kb"), block));
}

}  // namespace orrery::arch::fpga
