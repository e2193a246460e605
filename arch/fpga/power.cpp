#include "arch/fpga/power.hpp"

namespace orrery::arch::fpga {

nlohmann::json PowerBreakdown::to_json() const {
  return {{"static_w", static_w}, {"dsp_w", dsp_w}, {"bram_w", bram_w},     {"uram_w", uram_w},
          {"logic_w", logic_w},   {"ddr_w", ddr_w}, {"total_w", total_w()}, {"uncertainty", uncertainty}};
}

PowerBreakdown estimate_power(const FpgaSpec& spec, const Resources& used, const Activity& activity,
                              double ddr_bytes_per_s) {
  const auto& p = spec.power;
  const double fabric_mhz = spec.fabric_hz / 1e6, dsp_mhz = spec.dsp_hz / 1e6;
  PowerBreakdown b;
  b.uncertainty = p.uncertainty;
  b.static_w = p.static_w;
  b.dsp_w = dynamic_w(used.dsp, p.dsp_uw_per_mhz, dsp_mhz) * activity.dsp;
  b.bram_w = dynamic_w(used.bram36, p.bram_uw_per_mhz, fabric_mhz) * activity.memory;
  b.uram_w = dynamic_w(used.uram, p.uram_uw_per_mhz, fabric_mhz) * activity.memory;
  b.logic_w = logic_w(p, used.lut, used.ff, fabric_mhz);
  b.ddr_w = ddr_bytes_per_s * p.ddr_pj_per_byte * 1e-12;
  return b;
}

}  // namespace orrery::arch::fpga
