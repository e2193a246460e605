#pragma once
// The loop-nest family's mapping of one op: per part of the lowered op (lowering.hpp) either a
// Timeloop mapping of its problem (per storage level the temporal factors and their order, the
// spatial X/Y factors and the data spaces kept), with what the search did to find it, or a
// memory pass. Serializes to JSON with level, dimension and data-space names, and reads back
// checked against the architecture (MappingError naming the level and the dimension).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/spec.hpp"
#include "mappers/loopnest/lowering.hpp"
#include "mappers/loopnest/search.hpp"

namespace orrery::mappers::loopnest {

// How a part's mapping was found: the search's counts and its best objective as it went on, or
// the name of the layer whose identical problem was searched (the shape cache of one mapping
// call). No wall-clock time: the report of a seeded search is byte-identical from run to run.
struct SearchRecord {
  std::string objective;  // edp|energy|delay
  int64_t candidates = 0;
  int64_t evaluated = 0;
  bool exhaustive = false;
  std::vector<ProgressPoint> best_over_time;  // JSON [evaluations, objective] (seconds not kept)
  std::string same_as;                        // layer searched for this shape; "" = searched here

  nlohmann::json to_json() const;
  static SearchRecord from_json(const nlohmann::json& j);
};

struct NestPartMapping {
  std::string label;
  int64_t repeat = 1;
  std::vector<std::string> level_names, dim_names, data_space_names;  // for the JSON
  ln::Mapping mapping;
  std::optional<SearchRecord> search;  // nullopt: given (a Timeloop mapping file)
};

// An op without MACs: streamed through the backing store at its bandwidth (words per cycle).
struct MemoryPassMapping {
  int64_t read_bytes = 0;
  int64_t write_bytes = 0;
  std::string level;
  double words_per_cycle = 0;
};

using PartMapping = std::variant<NestPartMapping, MemoryPassMapping>;

// The backing store's bandwidth for a memory pass: its shared (else read) bandwidth, else
// `fallback_words_per_cycle` (the config's memory_pass.words_per_cycle).
double memory_pass_words_per_cycle(const ln::LoopNestSpec& spec, double fallback_words_per_cycle);

struct LoopNestLayerMapping {
  std::vector<PartMapping> parts;

  nlohmann::json to_json() const;
  // Checks level names and order, dimensions, data spaces and feasibility against `spec` and the
  // op's lowered parts; throws MappingError.
  static LoopNestLayerMapping from_json(const nlohmann::json& j, const ln::LoopNestSpec& spec,
                                        const std::vector<LoweredPart>& lowered,
                                        double fallback_words_per_cycle);
};

// A mapping of `part` as NestPartMapping (names filled in).
NestPartMapping nest_part_mapping(const LoopNestPart& part, const ln::LoopNestSpec& spec, ln::Mapping mapping,
                                  std::optional<SearchRecord> search);
MemoryPassMapping memory_pass_mapping(const MemoryPassPart& part, const ln::LoopNestSpec& spec,
                                      double fallback_words_per_cycle);

}  // namespace orrery::mappers::loopnest
