#pragma once
// Timeloop's analytical model of one mapping: per level and data space the tile sizes, reads,
// fills, updates and temporal reductions; the cycles with bandwidth throttling; the energy from
// per-action energies. The formulas and their derivation are in README.md; model.cpp has the
// code. Construct once per (spec, problem): the constructor compiles the projections, and
// evaluate() is then allocation-free and thread-safe (const, no shared mutable state).
#include <optional>
#include <variant>

#include "arch/loopnest/infeasible.hpp"
#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/spec.hpp"
#include "arch/loopnest/stats.hpp"
#include "arch/loopnest/tile_footprint.hpp"

namespace orrery::arch::loopnest {

class LoopNestModel {
 public:
  // Validates both (throws ConfigError / WorkloadError).
  LoopNestModel(LoopNestSpec spec, Problem problem);

  const LoopNestSpec& spec() const { return spec_; }
  const Problem& problem() const { return problem_; }

  // Hot path: writes `out` and returns nullopt, or returns why the mapping is infeasible
  // (reason left empty; call Infeasible::describe). Never allocates.
  std::optional<Infeasible> evaluate(const Mapping& mapping, LoopNestStats& out) const;

  // Convenience: the stats, or an Infeasible with its reason spelled out.
  std::variant<LoopNestStats, Infeasible> evaluate(const Mapping& mapping) const;

  // Only the checks (factor products, fan-out, capacity, bypass): what a mapper filters with.
  std::optional<Infeasible> check(const Mapping& mapping) const;

 private:
  int64_t utilized_clusters(const Mapping& mapping, int level) const;

  LoopNestSpec spec_;
  Problem problem_;
  std::array<CompiledProjection, kMaxDataSpaces> projections_{};
  std::array<bool, kMaxDataSpaces> read_write_{};
  int64_t macs_ = 0;
  std::array<int64_t, kMaxLevels> fanout_x_{};
  std::array<int64_t, kMaxLevels> fanout_y_{};
};

}  // namespace orrery::arch::loopnest
