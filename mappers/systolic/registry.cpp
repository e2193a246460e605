#include "mappers/systolic/registry.hpp"

#include <array>

#include "mappers/systolic/fixed_mapper.hpp"

namespace orrery::mappers::systolic {

std::span<const MapperEntry> mappers() {
  // One line per mapper.
  static constexpr std::array<MapperEntry, 1> kMappers{{
      {"fixed", "the config's dataflow, fixed loop order, residency from the SRAM sizes", &map_fixed},
  }};
  return kMappers;
}

const MapperEntry* find_mapper(std::string_view name) {
  for (const auto& m : mappers())
    if (m.name == name) return &m;
  return nullptr;
}

std::string mapper_names() {
  std::string s;
  for (const auto& m : mappers()) s += (s.empty() ? "" : "|") + std::string(m.name);
  return s;
}

}  // namespace orrery::mappers::systolic
