#pragma once
// The `fixed` mapper: the dataflow the config names, folds in a fixed loop order (ws/is: column
// folds outside, row folds inside, so partial sums of one column fold accumulate back to back;
// os: row folds outside, so an ifmap row tile is reused across the column folds), and what
// stays in each SRAM half decided from the buffer sizes.
#include "arch/systolic/spec.hpp"
#include "mappers/systolic/mapper_options.hpp"
#include "mappers/systolic/systolic_mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::systolic {

// Infeasible when a fold's stationary tile does not fit its buffer half. Throws WorkloadError
// for ops the array cannot run (a generic loop nest).
MappingResult map_fixed(const workloads::Op& op, const arch::systolic::SystolicSpec& spec,
                        const MapperOptions& options);

}  // namespace orrery::mappers::systolic
