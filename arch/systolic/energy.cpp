#include "arch/systolic/energy.hpp"

namespace orrery::arch::systolic {

void add_energy(Stats& st, const SystolicSpec& s, int64_t array_macs) {
  constexpr double kPico = 1e-12;
  st.add_energy("mac", static_cast<double>(array_macs) * s.mac_pj * kPico);
  st.add_energy("sram",
                static_cast<double>(st.sram_read_bytes + st.sram_write_bytes) * s.sram_pj_per_byte * kPico);
  st.add_energy("dram",
                static_cast<double>(st.dram_read_bytes + st.dram_write_bytes) * s.dram_pj_per_byte * kPico);
  st.add_energy("leakage", s.leakage_w * st.seconds);
}

}  // namespace orrery::arch::systolic
