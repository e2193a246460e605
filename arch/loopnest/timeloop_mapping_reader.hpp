#pragma once
// Reads Timeloop mapping directives: `mapping:` (a full mapping, for the model) and mapper
// constraints (`constraints: {targets: [...]}` or `mapspace_constraints`, same entry shape,
// possibly partial). Each entry: target (a level, or a container whose spatial level is
// inter_<name>_spatial), type temporal | spatial | bypass | datatype | dataspace, factors
// ("C=1 M=2", "C1 M2", "C=1,M=2" or a list), permutation (innermost first; a string of
// one-letter dimensions or a list), split (spatial: dimensions before it go to X, the rest to
// Y), keep / bypass (data space names).
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "arch/loopnest/limits.hpp"
#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/spec.hpp"

namespace orrery::arch::loopnest {

enum class DirectiveType { kTemporal, kSpatial, kDataSpace };

// One parsed entry, resolved against the spec and problem.
struct MappingDirective {
  int level = 0;
  DirectiveType type = DirectiveType::kTemporal;
  std::array<int64_t, kMaxDims> factors{};  // 0 = not given
  std::vector<int> permutation;             // dimensions given, innermost first
  std::optional<int> split;
  std::vector<int> keep;  // data space indices
  std::vector<int> bypass;
};

std::vector<MappingDirective> read_mapping_directives(const std::string& path, const LoopNestSpec& spec,
                                                      const Problem& problem);
std::vector<MappingDirective> parse_mapping_directives(const std::string& yaml_text,
                                                       const std::string& source, const LoopNestSpec& spec,
                                                       const Problem& problem);

// Architecture-embedded constraints of the `nodes:` form (written for Timeloop's CNN layer: factors,
// permutation entries and data spaces that the problem lacks are skipped, so they apply to a GEMM
// or a generic loop nest too): every !Component / !Container with
// `constraints: {dataspace: {keep, bypass}, temporal: {factors, permutation}, spatial:
// {factors, permutation, split}}` becomes directives on its level (a container's on its
// inter_<name>_spatial level; containers without a spatial level are skipped).
std::vector<MappingDirective> read_architecture_constraints(const std::string& path, const LoopNestSpec& spec,
                                                            const Problem& problem);

// A complete mapping from directives: factors not given are 1, dimensions missing from a
// permutation go outermost in problem order, data spaces not named are kept (spatial-only
// levels keep nothing). Spatial factors without split fill X up to the fan-out, then Y.
Mapping mapping_from_directives(const std::vector<MappingDirective>& directives, const LoopNestSpec& spec,
                                const Problem& problem);

// read + build.
Mapping read_timeloop_mapping(const std::string& path, const LoopNestSpec& spec, const Problem& problem);
Mapping parse_timeloop_mapping(const std::string& yaml_text, const std::string& source,
                               const LoopNestSpec& spec, const Problem& problem);

}  // namespace orrery::arch::loopnest
