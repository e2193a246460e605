#pragma once
// An FPGA board as its config describes it (configs/fpga/*.yaml): the device's resources, its
// clocks, its off-chip memory, its power figures and the engine template built on it. Immutable
// once built from a validated config.
#include <cstdint>
#include <memory>
#include <string>

#include "arch/fpga/overlay_calibration.hpp"
#include "common/config/resolved.hpp"

namespace orrery::arch::fpga {

enum class Engine { overlay, streaming };
std::string_view to_string(Engine e);

// Resource counts of a device, or of the part of it a design uses.
struct Resources {
  double dsp = 0, lut = 0, ff = 0, bram36 = 0, uram = 0;
  double aie = 0;  // AI Engine tiles (Versal); 0 on devices without them
  Resources& operator+=(const Resources& o);
  Resources operator*(double k) const;
};

struct DeviceSpec {
  Resources available;  // LUT, FF, DSP48, BRAM36, URAM288 blocks and AI Engine tiles of the device
};

struct MemorySpec {
  std::string type;  // ddr3 | ddr4 | hbm2
  int64_t channels = 1;
  double bandwidth_bytes_per_s = 0;  // peak, all channels together
  double latency_s = 0;              // first-byte latency of a read burst
};

struct PowerSpec {
  double static_w = 0;         // device + board static power while configured
  double dsp_uw_per_mhz = 0;   // dynamic power of one busy DSP slice per MHz of its clock
  double bram_uw_per_mhz = 0;  // one active BRAM36 per MHz
  double uram_uw_per_mhz = 0;  // one active URAM288 per MHz
  double klut_uw_per_mhz = 0;  // 1,000 LUTs of logic and routing per MHz (typical toggle)
  double kff_uw_per_mhz = 0;   // 1,000 flip-flops per MHz
  double ddr_pj_per_byte = 0;  // off-chip access energy (PHY + DRAM)
  double uncertainty = 0.25;   // relative, reported with every power figure
};

// The clock a unit of the overlay runs on: the fabric (PL) clock, or the clock of the conv
// array (the AI Engine clock on Versal DPUs).
enum class UnitClock { fabric, array };

// Where a DPU runs depthwise convolutions: on the conv array (channels over icp, ocp idle), on
// a dedicated depthwise / ALU datapath of its own pp x cp lanes, or nowhere (the variant has
// no depthwise datapath: such a layer is an error, as the Vitis AI compiler would split it off).
enum class DepthwiseUnit { array, dedicated, none };
struct DepthwiseSpec {
  DepthwiseUnit unit = DepthwiseUnit::array;
  int64_t pp = 4, cp = 16;  // dedicated: pixels x channels per cycle, one window tap each
  UnitClock clock = UnitClock::fabric;
};

// DPU-style overlay. `cores` independent instances (one inference thread each) share the
// off-chip memory. A core is `processing_engines` MAC arrays of pp x icp x ocp (PEs, batch
// handlers) that run one image each in lock step and share the core's weight buffer and
// every weight fetch; each PE has its own feature-map buffer and misc/depthwise units.
struct OverlaySpec {
  int64_t cores = 1;
  int64_t processing_engines = 1;      // PEs per core, one image each, sharing weights
  int64_t pp = 8, icp = 16, ocp = 16;  // pixel, input-channel, output-channel parallelism of a PE
  // Peak MACs one PE completes per array cycle; pp*icp*ocp unless a pp x icp x ocp block takes
  // several array cycles (AI Engine arrays).
  int64_t array_macs_per_cycle = 0;
  double array_efficiency = 1.0;     // sustained / peak rate of the array's kernels (product guide)
  bool prefetch_weights = true;      // a layer's first weight tile loads during the previous layer
  int64_t channel_augmentation = 0;  // channels a thin layer's c_in x kernel_w may be packed into; 0 = none
  DepthwiseSpec depthwise;           // the depthwise datapath
  UnitClock misc_clock = UnitClock::fabric;
  int64_t weight_buffer_bytes = 0;  // per core (shared by its PEs), both halves of the double buffer
  int64_t fmap_buffer_bytes = 0;    // per PE (input and output feature-map banks)
  double port_bytes_per_cycle = 0;  // one core's off-chip data ports, bytes per fabric cycle
  int64_t misc_lanes = 0;           // elements per cycle of one PE's misc (pool/eltwise) engine
  int64_t images_per_batch =
      1;               // images one PE runs one after another in lock step, sharing each weight fetch
  Resources per_core;  // resource use of one core's shared logic (product-guide tables)
  Resources per_pe;    // resource use added by each PE
  OverlayCalibration calibration = kOverlayCalibration;  // overlay.calibration.* (fitted)
  int64_t macs_per_cycle() const { return pp * icp * ocp; }
  int64_t images_per_pass() const { return processing_engines * images_per_batch; }
  Resources core_resources() const {
    Resources r = per_core;
    r += per_pe * static_cast<double>(processing_engines);
    return r;
  }
};

// fpgaConvNet/FINN-style streaming pipeline: one stage per layer, folding chosen by the mapper.
struct StreamingSpec {
  int64_t fifo_depth_rows = 0;   // inter-stage FIFO depth, in feature-map rows
  double max_utilization = 1.0;  // fraction of each resource the mapper may fill
  double lut_per_mac_lane = 0;   // accumulator + adder-tree LUTs per parallel multiplier
  double ff_per_mac_lane = 0;
  double lut_per_stage = 0;  // control, sliding window and stream glue of one stage
  double ff_per_stage = 0;
  double lut_per_misc_lane = 0;  // one lane of a pool/eltwise/activation stage
  int64_t lutram_max_depth = 0;  // memories this shallow go to LUTRAM instead of BRAM
  // Weights that do not fit on chip stream from off-chip memory through a FIFO this deep.
  bool weights_from_ddr = true;
  int64_t weight_fifo_words = 512;
};

struct FpgaSpec {
  std::string name;
  DeviceSpec device;
  double fabric_hz = 0;
  double dsp_hz = 0;    // DSP clock (2x fabric for the DPU's double-data-rate DSPs)
  double array_hz = 0;  // conv array clock: the AI Engine clock on Versal DPUs, else the fabric clock
  MemorySpec memory;
  PowerSpec power;
  Engine engine = Engine::overlay;
  OverlaySpec overlay;
  StreamingSpec streaming;

  double memory_bytes_per_cycle() const { return memory.bandwidth_bytes_per_s / fabric_hz; }
};

std::shared_ptr<const config::Schema> make_schema();
FpgaSpec make_spec(const config::Resolved& cfg);  // cfg already validated against the schema
void check(const config::Resolved& cfg);          // cross-field checks, throws ConfigError

}  // namespace orrery::arch::fpga
