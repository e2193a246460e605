#include "arch/loopnest/spec.hpp"

#include <fmt/format.h>

#include "arch/loopnest/limits.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

int LoopNestSpec::level_index(const std::string& level_name) const {
  for (int i = 0; i < num_levels(); ++i)
    if (levels[i].name == level_name) return i;
  return -1;
}

int64_t LoopNestSpec::fanout_x(int level) const {
  const int64_t below = level == 0 ? arithmetic.mesh_x : levels[level - 1].mesh_x;
  return below / levels[level].mesh_x;
}

int64_t LoopNestSpec::fanout_y(int level) const {
  const int64_t below = level == 0 ? arithmetic.mesh_y : levels[level - 1].mesh_y;
  return below / levels[level].mesh_y;
}

void LoopNestSpec::validate() const {
  if (levels.empty()) throw ConfigError(fmt::format("architecture {}: no storage level", name));
  if (num_levels() > kMaxLevels)
    throw ConfigError(fmt::format("architecture {}: {} storage levels, at most {} supported", name,
                                  num_levels(), kMaxLevels));
  auto check_mesh = [&](const std::string& who, int64_t inst, int64_t mx, int64_t my) {
    if (inst < 1 || mx < 1 || my < 1)
      throw ConfigError(
          fmt::format("architecture {}: {}: instances, meshX, meshY must be >= 1, got {}, {}, {}", name, who,
                      inst, mx, my));
    if (mx * my != inst)
      throw ConfigError(
          fmt::format("architecture {}: {}: meshX x meshY = {} x {} does not match {} instances", name, who,
                      mx, my, inst));
  };
  for (int i = 0; i < num_levels(); ++i) {
    const auto& l = levels[i];
    check_mesh(l.name, l.instances, l.mesh_x, l.mesh_y);
    if (l.depth && *l.depth < 0)
      throw ConfigError(
          fmt::format("architecture {}: {}: depth must be >= 0, got {}", name, l.name, *l.depth));
    if (l.block_size_words < 1 || l.word_bits < 1)
      throw ConfigError(
          fmt::format("architecture {}: {}: block size and word bits must be >= 1, got {} and {}", name,
                      l.name, l.block_size_words, l.word_bits));
    if (l.multiple_buffering < 1.0)
      throw ConfigError(fmt::format("architecture {}: {}: multiple_buffering must be >= 1, got {}", name,
                                    l.name, l.multiple_buffering));
    const int64_t below_x = i == 0 ? arithmetic.mesh_x : levels[i - 1].mesh_x;
    const int64_t below_y = i == 0 ? arithmetic.mesh_y : levels[i - 1].mesh_y;
    if (below_x % l.mesh_x != 0 || below_y % l.mesh_y != 0)
      throw ConfigError(
          fmt::format("architecture {}: {}: mesh {}x{} does not divide the mesh {}x{} of the level below it",
                      name, l.name, l.mesh_x, l.mesh_y, below_x, below_y));
  }
  check_mesh(arithmetic.name, arithmetic.instances, arithmetic.mesh_x, arithmetic.mesh_y);
  if (arithmetic.macs_per_instance < 1)
    throw ConfigError(fmt::format("architecture {}: {}: MACs per instance must be >= 1, got {}", name,
                                  arithmetic.name, arithmetic.macs_per_instance));
}

}  // namespace orrery::arch::loopnest
