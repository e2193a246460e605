#pragma once
// Everything `timeloop-model` reads, in one call: the architecture (either form) with the
// energies of an Accelergy ERT applied, the problem and the mapping. Paths may coincide (a
// parsed-processed-input.yaml holds architecture, problem and mapping).
#include <string>

#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/spec.hpp"

namespace orrery::arch::loopnest {

struct TimeloopModelInputs {
  LoopNestSpec spec;
  Problem problem;
  Mapping mapping;
};

TimeloopModelInputs read_timeloop_model_inputs(const std::string& architecture_path,
                                               const std::string& problem_path,
                                               const std::string& mapping_path, const std::string& ert_path);

}  // namespace orrery::arch::loopnest
