#pragma once
// Die area of a systolic array, so that perf-per-area fronts mean something. A pure function of
// the spec, at 28 nm (TPU v1's node; no scaling to other nodes):
//   area = rows x cols x PE area + (ifmap + filter + ofmap KiB) x SRAM area per KiB.
// Control, the DRAM interface and I/O are not counted.
//
// Sources:
// - Jouppi et al., "In-Datacenter Performance Analysis of a Tensor Processing Unit", ISCA 2017:
//   die <= 331 mm^2 at 28 nm (Table 2); floor plan (Fig. 2): the 256x256 8-bit Matrix Multiply
//   Unit takes 24% of the die and the 24 MiB Unified Buffer 29%. Hence
//   PE (8-bit MAC with its weight and pipeline registers) = 0.24 x 331 / 65536 = 1.2122e-3 mm^2,
//   SRAM = 0.29 x 331 / (24 x 1024 KiB) = 3.9059e-3 mm^2 per KiB.
// - Horowitz, "Computing's energy problem", ISSCC 2014 (45 nm area table), for the scaling of a
//   PE with its word widths: 8-bit multiply 282 um^2, 32-bit add 137 um^2. The multiplier
//   grows with the square of the input width, the accumulator adder linearly with its width:
//   scale = (282 (input_bytes)^2 + 137 accumulator_bytes / 4) / (282 + 137).
#include "arch/systolic/spec.hpp"

namespace orrery::arch::systolic {

inline constexpr double kAreaNodeNm = 28;
inline constexpr double kPeAreaInt8Mm2 = 0.24 * 331.0 / 65536.0;
inline constexpr double kSramAreaMm2PerKib = 0.29 * 331.0 / (24.0 * 1024.0);
inline constexpr double kMult8AreaUm2 = 282, kAdd32AreaUm2 = 137;

struct AreaBreakdown {
  double pe_mm2 = 0;     // one processing element
  double array_mm2 = 0;  // all PEs
  double sram_mm2 = 0;   // the three buffers
  double total_mm2 = 0;
};

AreaBreakdown area(const SystolicSpec& spec);

}  // namespace orrery::arch::systolic
