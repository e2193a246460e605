#pragma once
// A mapping of a Problem onto a LoopNestSpec, Timeloop style: per storage level, the temporal
// loops (factor per dimension, order from innermost to outermost), the spatial loops that fan
// out to the level below (factors along X and Y), and which data spaces the level keeps.
// Fixed-size arrays, so that copying and evaluating a mapping never allocates.
#include <array>
#include <cstdint>
#include <vector>

#include "arch/loopnest/limits.hpp"

namespace orrery::arch::loopnest {

struct LevelMapping {
  std::array<int64_t, kMaxDims> temporal{};  // factor per dimension (1 = no loop)
  std::array<int64_t, kMaxDims> spatial_x{};
  std::array<int64_t, kMaxDims> spatial_y{};
  // Temporal loop order: permutation[0] is the innermost loop's dimension. Holds every dimension
  // once (unit loops included).
  std::array<int8_t, kMaxDims> permutation{};
  std::array<bool, kMaxDataSpaces> keep{};

  // All factors 1, identity order, keeps nothing.
  static LevelMapping unit(int num_dims) {
    LevelMapping m;
    for (int d = 0; d < kMaxDims; ++d) {
      m.temporal[d] = m.spatial_x[d] = m.spatial_y[d] = 1;
      m.permutation[d] = static_cast<int8_t>(d < num_dims ? d : 0);
    }
    return m;
  }
};

struct Mapping {
  std::vector<LevelMapping> levels;  // same order as LoopNestSpec::levels (innermost first)
};

}  // namespace orrery::arch::loopnest
