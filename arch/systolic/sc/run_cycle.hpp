#pragma once
// The cycle fidelity: elaborates the SystemC model once for the whole graph and runs it.
// It runs in a forked child (arch/isolated_run.hpp), so the caller can run any number of them.
#include <vector>

#include "arch/systolic/layer_timing.hpp"

namespace orrery::arch::systolic {

std::vector<LayerCounts> run_cycle(const std::vector<mappers::systolic::SystolicMapping>& mappings,
                                   const SystolicSpec& spec);

}  // namespace orrery::arch::systolic
