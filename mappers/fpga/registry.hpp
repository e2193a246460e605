#pragma once
// The FPGA family's mappers, listed explicitly in registry.cpp. The first is the default:
// "auto" takes the mapper of the config's engine; the others name one and must match it.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "arch/fpga/spec.hpp"

namespace orrery::mappers::fpga {

struct MapperEntry {
  std::string_view name;
  std::string_view doc;
  std::optional<arch::fpga::Engine> engine;  // the engine it maps for; nullopt: the config's
};

std::span<const MapperEntry> mappers();
const MapperEntry* find_mapper(std::string_view name);  // nullptr if unknown
std::string mapper_names();                             // "auto|dpu_tiling|greedy_folding"
// The mapper of an engine (what "auto" resolves to).
std::string_view engine_mapper(arch::fpga::Engine engine);

}  // namespace orrery::mappers::fpga
