#pragma once
// What the mapper may choose, Timeloop style: per level, fixed temporal/spatial factors of some
// dimensions, a fixed innermost part of the loop order, the X/Y split of spatial dimensions, and
// data spaces that must be kept or bypassed. Built from mapping directives (a constraints file,
// the `constraints:` embedded in a `nodes:` architecture) and the spec's must-keep/bypass lists.
#include <array>
#include <optional>
#include <vector>

#include "arch/loopnest/limits.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/spec.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"

namespace orrery::mappers::loopnest {

namespace ln = orrery::arch::loopnest;

enum class KeepRule : int8_t { kFree, kKeep, kBypass };

struct LevelConstraints {
  std::array<int64_t, ln::kMaxDims> temporal_factor{};  // 0 = free
  std::array<int64_t, ln::kMaxDims> spatial_factor{};   // 0 = free (X and Y together)
  std::vector<int> temporal_permutation;                // these dimensions innermost, in this order
  std::vector<int> spatial_permutation;  // with split: positions < split may go to X, the rest to Y
  std::optional<int> split;
  std::array<KeepRule, ln::kMaxDataSpaces> keep{};
};

struct MapspaceConstraints {
  std::vector<LevelConstraints> levels;  // one per storage level
};

// No constraints beyond the spec's must-keep/bypass lists.
MapspaceConstraints unconstrained(const ln::LoopNestSpec& spec, const ln::Problem& problem);

// Adds directives (later ones override earlier ones for the same level and field).
void add_directives(MapspaceConstraints& c, const std::vector<ln::MappingDirective>& directives,
                    const ln::Problem& problem);

}  // namespace orrery::mappers::loopnest
