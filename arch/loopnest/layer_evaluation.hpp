#pragma once
// One op's mapping on a loop-nest design, evaluated: the model (model.hpp) per loop nest of the
// op, the memory pass for an op without MACs, summed into the op's Stats and its per-level report
// (DESIGN section 5: per level name, energy_j, instances and per-data-space reads, fills and
// updates per instance, as Timeloop reports them).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/loopnest/spec.hpp"
#include "arch/stats.hpp"
#include "mappers/loopnest/layer_mapping.hpp"
#include "mappers/loopnest/lowering.hpp"

namespace orrery::arch::loopnest {

struct LayerEvaluation {
  Stats stats;
  nlohmann::json levels;
};

// `where` names the layer in errors (a mapping that became infeasible: SimulationError).
// `cycle`: each loop nest's cycles come from the SystemC model (sc/run_cycle.hpp, a forked run
// per nest), which moves the same words (so the counts and access energies are the analytical
// ones) but stalls where bandwidth or single buffering hold the MACs back; the stalls are the
// cycles beyond the compute cycles.
LayerEvaluation evaluate_layer(const LoopNestSpec& spec,
                               const std::vector<mappers::loopnest::LoweredPart>& parts,
                               const mappers::loopnest::LoopNestLayerMapping& mapping,
                               const std::string& where, bool cycle = false);

}  // namespace orrery::arch::loopnest
