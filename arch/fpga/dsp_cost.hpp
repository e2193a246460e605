#pragma once
// DSP48 cost of multipliers (fpgaConvNet's resource model, reference/fpga.md): one a x b-bit
// multiplier takes ceil(a/18) * ceil(b/27) DSP48 slices (the slice multiplies 18 x 27 bits);
// when both operands are at most 8 bits two multiplies share one slice (x 0.5).
#include <cstdint>

namespace orrery::arch::fpga {

// DSP slices of one a x b-bit multiplier (0.5 for packed int8 pairs).
double dsp_per_multiplier(int a_bits, int b_bits);

// DSP slices of `multipliers` parallel a x b-bit multipliers, rounded up to whole slices.
int64_t dsp_for_multipliers(int64_t multipliers, int a_bits, int b_bits);

}  // namespace orrery::arch::fpga
