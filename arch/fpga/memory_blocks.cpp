#include "arch/fpga/memory_blocks.hpp"

#include <algorithm>
#include <limits>

#include "common/checked_math.hpp"

namespace orrery::arch::fpga {
namespace {}  // namespace

int64_t bram36_for_bank(int64_t depth, int64_t width_bits) {
  if (depth <= 0 || width_bits <= 0) return 0;
  static constexpr std::pair<int64_t, int64_t> kShapes[] = {{32768, 1}, {16384, 2}, {8192, 4}, {4096, 9},
                                                            {2048, 18}, {1024, 36}, {512, 72}};
  int64_t best = std::numeric_limits<int64_t>::max();
  for (const auto& [d, w] : kShapes) best = std::min(best, ceil_div(depth, d) * ceil_div(width_bits, w));
  return best;
}

int64_t uram_for_bank(int64_t depth, int64_t width_bits) {
  if (depth <= 0 || width_bits <= 0) return 0;
  return ceil_div(depth, 4096) * ceil_div(width_bits, 72);
}

int64_t bram36_for_packed_bank(int64_t depth, int64_t width_bits) {
  if (depth <= 0 || width_bits <= 0) return 0;
  return std::max(ceil_div(depth * width_bits, 36 * 1024), ceil_div(width_bits, 72));
}

int64_t uram_for_packed_bank(int64_t depth, int64_t width_bits) {
  if (depth <= 0 || width_bits <= 0) return 0;
  return std::max(ceil_div(depth * width_bits, 4096 * 72), ceil_div(width_bits, 72));
}

int64_t lutram_for_bank(int64_t depth, int64_t width_bits) {
  if (depth <= 0 || width_bits <= 0) return 0;
  return ceil_div(depth, 64) * width_bits;
}

}  // namespace orrery::arch::fpga
