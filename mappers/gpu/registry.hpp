#pragma once
// The GPU family's mappers, listed explicitly in registry.cpp. The first is the default.
#include <span>
#include <string>
#include <string_view>

#include "mappers/gpu/mapping.hpp"

namespace orrery::mappers::gpu {

struct MapperEntry {
  std::string_view name;
  std::string_view doc;
  Runtime runtime;  // whose kernels the ops become (library_mapper.hpp)
};

std::span<const MapperEntry> mappers();
const MapperEntry* find_mapper(std::string_view name);  // nullptr if unknown
std::string mapper_names();                             // "pytorch|library" for error messages

}  // namespace orrery::mappers::gpu
