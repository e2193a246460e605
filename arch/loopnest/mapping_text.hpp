#pragma once
// A mapping as text, in the layout of Timeloop's map.txt (outermost level first, each level with
// the data spaces it keeps and their tile sizes, then its temporal and spatial loops), and as
// Timeloop v0.4 mapping YAML that the mapping reader reads back.
#include <string>

#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/model.hpp"

namespace orrery::arch::loopnest {

std::string mapping_loop_nest_text(const LoopNestModel& model, const Mapping& mapping);
std::string mapping_yaml(const LoopNestSpec& spec, const Problem& problem, const Mapping& mapping);

}  // namespace orrery::arch::loopnest
