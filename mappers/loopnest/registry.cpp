#include "mappers/loopnest/registry.hpp"

#include <array>

#include "mappers/loopnest/search_mapper.hpp"
#include "mappers/registry_lookup.hpp"

namespace orrery::mappers::loopnest {

std::span<const MapperEntry> mappers() {
  // One line per mapper.
  static constexpr std::array<MapperEntry, 1> kMappers{{
      {"search",
       "Timeloop-style mapspace search per distinct layer shape (--objective, --seed, --search-time, "
       "--constraints or the architecture's constraint nodes)",
       &map_search},
  }};
  return kMappers;
}

const MapperEntry* find_mapper(std::string_view name) { return find_by_name(mappers(), name); }

std::string mapper_names() { return names_joined(mappers()); }

}  // namespace orrery::mappers::loopnest
