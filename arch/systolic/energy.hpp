#pragma once
// Energy of a systolic layer, by component (Stats::energy_breakdown_j):
//   mac     = array MACs x energy.mac_pj       (MACs the array performs, zeros of a transposed conv too)
//   sram    = SRAM bytes read + written x energy.sram_pj_per_byte
//   dram    = DRAM bytes read + written x energy.dram_pj_per_byte
//   leakage = energy.leakage_w x seconds
#include <cstdint>

#include "arch/stats.hpp"
#include "arch/systolic/spec.hpp"

namespace orrery::arch::systolic {

void add_energy(Stats& stats, const SystolicSpec& spec, int64_t array_macs);  // needs bytes and seconds set

}  // namespace orrery::arch::systolic
