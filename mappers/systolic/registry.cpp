#include "mappers/systolic/registry.hpp"

#include <array>

#include "mappers/registry_lookup.hpp"
#include "mappers/systolic/fixed_mapper.hpp"
#include "mappers/systolic/search_mapper.hpp"

namespace orrery::mappers::systolic {

std::span<const MapperEntry> mappers() {
  // One line per mapper.
  static constexpr std::array<MapperEntry, 2> kMappers{{
      {"fixed", "the config's dataflow, fixed loop order, residency from the SRAM sizes", &map_fixed},
      {"search", "per layer the dataflow and fold orders that minimize --objective (exhaustive)",
       &map_search},
  }};
  return kMappers;
}

const MapperEntry* find_mapper(std::string_view name) { return find_by_name(mappers(), name); }

std::string mapper_names() { return names_joined(mappers()); }

}  // namespace orrery::mappers::systolic
