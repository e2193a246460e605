#include "mappers/fpga/registry.hpp"

#include <array>

#include "mappers/registry_lookup.hpp"

namespace orrery::mappers::fpga {

std::span<const MapperEntry> mappers() {
  // One line per mapper.
  static const std::array<MapperEntry, 3> kMappers{{
      {"auto", "the mapper of the config's engine", std::nullopt},
      {"dpu_tiling", "overlay: each layer tiled through the core's buffers, loop order by DDR bytes",
       arch::fpga::Engine::overlay},
      {"greedy_folding", "streaming: unfold the bottleneck stage while the design fits the budget",
       arch::fpga::Engine::streaming},
  }};
  return kMappers;
}

const MapperEntry* find_mapper(std::string_view name) { return find_by_name(mappers(), name); }

std::string mapper_names() { return names_joined(mappers()); }

std::string_view engine_mapper(arch::fpga::Engine engine) {
  for (const auto& m : mappers())
    if (m.engine == engine) return m.name;
  return mappers().front().name;
}

}  // namespace orrery::mappers::fpga
