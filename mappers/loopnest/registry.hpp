#pragma once
// The loop-nest family's mappers, listed explicitly in registry.cpp. The first is the default.
// A mapper maps a whole graph at once, so that it can map each distinct layer shape once.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "arch/family.hpp"
#include "arch/loopnest/spec.hpp"
#include "mappers/loopnest/layer_mapping.hpp"
#include "workloads/graph.hpp"

namespace orrery::mappers::loopnest {

struct MapContext {
  const ln::LoopNestSpec& spec;
  std::string architecture_file;  // its constraint nodes apply when no constraints file is given
  std::string constraints_file;   // --constraints, else the config's `constraints`; may be ""
  arch::MapOptions options;
  double memory_pass_words_per_cycle = 0;  // the config's fallback bandwidth
};

struct MapperEntry {
  std::string_view name;
  std::string_view doc;
  std::vector<LoopNestLayerMapping> (*map)(const workloads::Graph& graph, const MapContext& ctx);
};

std::span<const MapperEntry> mappers();
const MapperEntry* find_mapper(std::string_view name);  // nullptr if unknown
std::string mapper_names();                             // "search|..." for error messages

}  // namespace orrery::mappers::loopnest
