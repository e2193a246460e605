#pragma once
// The cycle fidelity: elaborates the SystemC model once for the whole graph and runs it.
// The SystemC kernel elaborates once per process, and a process forked after an elaboration
// inherits it: so every run happens in a forked child (about a millisecond) and its counts come
// back through a pipe; the calling process never elaborates and can run any number of them.
#include <vector>

#include "arch/systolic/layer_timing.hpp"

namespace orrery::arch::systolic {

std::vector<LayerCounts> run_cycle(const std::vector<mappers::systolic::SystolicMapping>& mappings,
                                   const SystolicSpec& spec);

}  // namespace orrery::arch::systolic
