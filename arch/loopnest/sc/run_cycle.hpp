#pragma once
// The cycle fidelity of the loop-nest family: a SystemC model of the storage hierarchy that
// executes a mapping tile by tile (arch/loopnest/README.md, "The cycle model"). It runs in a
// forked child (arch/isolated_run.hpp), so a process can call it any number of times.
#include <cstdint>

#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/sc/result.hpp"
#include "arch/loopnest/sc/tile_schedule.hpp"
#include "arch/loopnest/spec.hpp"

namespace orrery::arch::loopnest {

using sc::LoopNestScResult;
using sc::LoopNestScRow;
using sc::LoopNestScSummary;

struct LoopNestScOptions {
  // Above this many tile steps, the innermost levels are aggregated into the step (tile_schedule.hpp).
  int64_t max_tile_steps = sc::kMaxTileSteps;
};

// Throws MappingError for an infeasible mapping (with the analytical model's reason),
// ConfigError / WorkloadError for an inconsistent spec or problem.
LoopNestScResult run_loopnest_sc(const LoopNestSpec& spec, const Problem& problem, const Mapping& mapping,
                                 const LoopNestScOptions& options = {});

}  // namespace orrery::arch::loopnest
