#pragma once
// Board power: static + dynamic. Dynamic power of each resource kind is its count x its
// per-MHz figure x its clock x its activity (the fraction of cycles it toggles); off-chip
// traffic costs energy per byte. Every figure carries the config's relative uncertainty
// (±25 % by default, reference/fpga.md): these are estimates, not measurements.
#include <nlohmann/json.hpp>

#include "arch/fpga/spec.hpp"

namespace orrery::arch::fpga {

struct Activity {
  double dsp = 1.0;     // fraction of cycles the DSPs compute
  double memory = 1.0;  // fraction of cycles BRAM/URAM are accessed
};

struct PowerBreakdown {
  double static_w = 0, dsp_w = 0, bram_w = 0, uram_w = 0, logic_w = 0, ddr_w = 0;
  double uncertainty = 0.25;
  double total_w() const { return static_w + dsp_w + bram_w + uram_w + logic_w + ddr_w; }
  nlohmann::json to_json() const;
};

// The three dynamic-power formulas every FPGA figure uses (board power and per-layer energy):
// `count` resources of `uw_per_mhz` each on a clock of `mhz` (watts, at full activity);
// block memories (BRAM36 and URAM288 together); logic (LUTs and flip-flops).
inline double dynamic_w(double count, double uw_per_mhz, double mhz) {
  return count * uw_per_mhz * 1e-6 * mhz;
}
inline double memory_w(const PowerSpec& p, double bram36, double uram, double mhz) {
  return (bram36 * p.bram_uw_per_mhz + uram * p.uram_uw_per_mhz) * 1e-6 * mhz;
}
inline double logic_w(const PowerSpec& p, double lut, double ff, double mhz) {
  return (lut / 1000.0 * p.klut_uw_per_mhz + ff / 1000.0 * p.kff_uw_per_mhz) * 1e-6 * mhz;
}

PowerBreakdown estimate_power(const FpgaSpec& spec, const Resources& used, const Activity& activity,
                              double ddr_bytes_per_s);

}  // namespace orrery::arch::fpga
