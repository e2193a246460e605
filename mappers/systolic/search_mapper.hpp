#pragma once
// The `search` mapper: per op, every dataflow (ws, os, is) and, under `timing: exact`, every
// fold order of each GEMM pass (which axis's folds are inner; it decides which operand or the
// partial sums are kept on chip), each placed like the fixed mapper does (placement.hpp) and
// timed by the family's analytical model (MapperOptions::model); the one with the least
// objective wins. The space has at most 3 x 2^passes candidates (12 for attention), so it is
// enumerated: deterministic, and --search-time / --seed change nothing.
//
// Under `timing: scalesim` the fold order is SCALE-Sim's for the dataflow (SCALE-Sim has no
// other), so a layer's result equals the fixed mapper's for a config with the chosen dataflow.
// Ties keep the earlier candidate: the config's dataflow in the default order comes first, so
// the search only departs from `fixed` for a strictly better objective.
#include "arch/systolic/spec.hpp"
#include "mappers/systolic/mapper_options.hpp"
#include "mappers/systolic/systolic_mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::systolic {

// Every candidate evaluated and its objective are listed in the mapping's notes. Infeasible when
// no candidate fits the buffers; throws SimulationError when options.model is not set.
MappingResult map_search(const workloads::Op& op, const arch::systolic::SystolicSpec& spec,
                         const MapperOptions& options);

}  // namespace orrery::mappers::systolic
