#pragma once
// Accelergy's energy reference table (ERT.yaml: `ERT: {tables: [{name, actions: [{name,
// arguments, energy}]}]}`), energies in pJ per action. Table names look like
// `System_top_level.GlobalBuffer[1..16]`; the component is the part after the last '.', range
// dropped. Where an action appears several times (with different arguments) the first entry
// is used.
#include <map>
#include <string>

#include "arch/loopnest/spec.hpp"

namespace orrery::arch::loopnest {

struct EnergyReferenceTable {
  // component -> action -> pJ
  std::map<std::string, std::map<std::string, double>> energy_pj;
  std::string source;
};

EnergyReferenceTable read_accelergy_ert(const std::string& path);
EnergyReferenceTable parse_accelergy_ert(const std::string& yaml_text, const std::string& source);

// Sets every storage level's read/write/update/leak and the arithmetic `compute` energy.
// Throws ConfigError naming the ERT file and the component or action that is missing
// (spatial-only levels need no entry; a missing `leak` or `update` counts as 0 / as write).
void apply_ert(const EnergyReferenceTable& ert, LoopNestSpec& spec);

}  // namespace orrery::arch::loopnest
