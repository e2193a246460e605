#pragma once
// The systolic family's mappers, listed explicitly in registry.cpp. The first is the default.
#include <span>
#include <string>
#include <string_view>

#include "arch/systolic/spec.hpp"
#include "mappers/systolic/mapper_options.hpp"
#include "mappers/systolic/systolic_mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::systolic {

struct MapperEntry {
  std::string_view name;
  std::string_view doc;
  MappingResult (*map)(const workloads::Op& op, const arch::systolic::SystolicSpec& spec,
                       const MapperOptions& options);
};

std::span<const MapperEntry> mappers();
const MapperEntry* find_mapper(std::string_view name);  // nullptr if unknown
std::string mapper_names();                             // "fixed|..." for error messages

}  // namespace orrery::mappers::systolic
