#include "arch/systolic/area.hpp"

namespace orrery::arch::systolic {

AreaBreakdown area(const SystolicSpec& s) {
  AreaBreakdown a;
  const double in = static_cast<double>(s.input_bytes);
  const double acc = static_cast<double>(s.accumulator_bytes);
  const double scale =
      (kMult8AreaUm2 * in * in + kAdd32AreaUm2 * acc / 4.0) / (kMult8AreaUm2 + kAdd32AreaUm2);
  a.pe_mm2 = kPeAreaInt8Mm2 * scale;
  a.array_mm2 = a.pe_mm2 * static_cast<double>(s.rows) * static_cast<double>(s.cols);
  const double kib =
      static_cast<double>(s.ifmap_sram_bytes + s.filter_sram_bytes + s.ofmap_sram_bytes) / 1024.0;
  a.sram_mm2 = kib * kSramAreaMm2PerKib;
  a.total_mm2 = a.array_mm2 + a.sram_mm2;
  return a;
}

}  // namespace orrery::arch::systolic
