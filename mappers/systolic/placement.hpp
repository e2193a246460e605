#pragma once
// Places a lowered op on the array for one choice of dataflow and fold orders: the fold grid of
// each GEMM pass, its tile sizes, the check that the stationary tile fits its buffer half, and
// what stays resident in the SRAM halves. Every systolic mapper builds its mappings here, so the
// search's candidate for (dataflow d, default orders) is the fixed mapper's mapping for d.
#include <span>
#include <string>

#include "arch/systolic/spec.hpp"
#include "mappers/systolic/lowering.hpp"
#include "mappers/systolic/systolic_mapping.hpp"

namespace orrery::mappers::systolic {

// `orders` has one entry per GEMM pass of `lowering` (or is empty: each pass in the dataflow's
// default order). Infeasible when a stationary tile does not fit its buffer half.
MappingResult place(const std::string& op_name, const Lowering& lowering,
                    const arch::systolic::SystolicSpec& spec, Dataflow dataflow,
                    std::span<const FoldOrder> orders, const std::string& mapper);

}  // namespace orrery::mappers::systolic
