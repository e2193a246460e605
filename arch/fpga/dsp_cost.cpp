#include "arch/fpga/dsp_cost.hpp"

#include <cmath>

namespace orrery::arch::fpga {

double dsp_per_multiplier(int a_bits, int b_bits) {
  const double slices = std::ceil(a_bits / 18.0) * std::ceil(b_bits / 27.0);
  return (a_bits <= 8 && b_bits <= 8) ? slices * 0.5 : slices;
}

int64_t dsp_for_multipliers(int64_t multipliers, int a_bits, int b_bits) {
  return static_cast<int64_t>(
      std::ceil(static_cast<double>(multipliers) * dsp_per_multiplier(a_bits, b_bits)));
}

}  // namespace orrery::arch::fpga
