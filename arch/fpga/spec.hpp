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
  Resources& operator+=(const Resources& o);
};

struct DeviceSpec {
  Resources available;  // LUT, FF, DSP48, BRAM36 and URAM288 blocks of the device
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

// DPU-style overlay: `cores` fixed int8 MAC arrays of pp x icp x ocp, each with its own
// weight and feature-map buffers, all sharing the off-chip memory.
struct OverlaySpec {
  int64_t cores = 1;
  int64_t pp = 8, icp = 16, ocp = 16;  // pixel, input-channel, output-channel parallelism
  int64_t weight_buffer_bytes = 0;     // per core, both halves of the double buffer
  int64_t fmap_buffer_bytes = 0;       // per core (input and output feature-map banks)
  double port_bytes_per_cycle = 0;     // one core's AXI data ports, bytes per fabric cycle
  int64_t misc_lanes = 0;              // elements per cycle of the misc (pool/eltwise) engine
  int64_t images_per_batch = 1;        // images a core runs together, sharing each weight fetch
  Resources per_core;                  // resource use of one core (PG338 tables)
  OverlayCalibration calibration = kOverlayCalibration;  // overlay.calibration.* (fitted)
  int64_t macs_per_cycle() const { return pp * icp * ocp; }
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
};

struct FpgaSpec {
  std::string name;
  DeviceSpec device;
  double fabric_hz = 0;
  double dsp_hz = 0;  // DSP clock (2x fabric for the DPU's double-data-rate DSPs)
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
