#include "arch/loopnest/timeloop_inputs.hpp"

#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"

namespace orrery::arch::loopnest {

TimeloopModelInputs read_timeloop_model_inputs(const std::string& architecture_path,
                                               const std::string& problem_path,
                                               const std::string& mapping_path, const std::string& ert_path) {
  TimeloopModelInputs in;
  in.spec = read_timeloop_architecture(architecture_path);
  apply_ert(read_accelergy_ert(ert_path), in.spec);
  in.problem = read_timeloop_problem(problem_path);
  in.mapping = read_timeloop_mapping(mapping_path, in.spec, in.problem);
  return in;
}

}  // namespace orrery::arch::loopnest
