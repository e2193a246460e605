#pragma once
// The Timeloop reference cases the loop-nest tests share (provenance in
// tests/data/loopnest/timeloop/README.md): the ISPASS 2020 exercises and the example designs,
// and how each one's architecture, problem and mapping are read, as Timeloop's model saw them
// (the front end's parsed-processed-input.yaml, the exercise's problem and mapping files, the
// reference ERT).
#include <ostream>
#include <string>
#include <vector>

#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/spec.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"

namespace orrery::arch::loopnest::test {

inline const std::string kData = std::string(ORRERY_SOURCE_DIR) + "/tests/data/loopnest/timeloop/";

struct ExerciseCase {
  std::string label;
  std::string dir;
  std::string ref;  // ref-output subfolder ("" for none)
  std::string prob;
  std::string map;     // relative to dir; a mapper's output map.yaml for exercises 05 and 06
  std::string prefix;  // timeloop-model or timeloop-mapper
  // Example designs keep everything in one folder: parsed-processed-input.yaml is also the
  // problem, and the mapping is timeloop-mapper.map.yaml.
  bool example_design = false;
  bool mac_operand_reuse = false;  // reference produced by a newer Timeloop (see spec.hpp)

  // The folder holding the reference outputs (stats, ERT, parsed input).
  std::string out_dir() const {
    return example_design ? kData + dir + "/" : kData + dir + "/ref-output/" + (ref.empty() ? "" : ref + "/");
  }
};

inline std::ostream& operator<<(std::ostream& os, const ExerciseCase& c) { return os << c.label; }

struct ExerciseInputs {
  LoopNestSpec spec;
  Problem problem;
  Mapping mapping;
};

inline ExerciseInputs read_exercise(const ExerciseCase& c) {
  const std::string out = c.out_dir();
  ExerciseInputs in;
  in.spec = read_timeloop_architecture(out + "parsed-processed-input.yaml");
  apply_ert(read_accelergy_ert(out + c.prefix + ".ERT.yaml"), in.spec);
  in.spec.arithmetic.operand_reuse = c.mac_operand_reuse;
  in.problem = read_timeloop_problem(c.example_design ? out + "parsed-processed-input.yaml"
                                                      : kData + c.dir + "/" + c.prob);
  in.mapping = read_timeloop_mapping(
      c.example_design ? out + "timeloop-mapper.map.yaml" : kData + c.dir + "/" + c.map, in.spec, in.problem);
  return in;
}

inline std::vector<ExerciseCase> ispass2020_cases() {
  return {
      ExerciseCase{"ex00_1level", "00-model-conv1d-1level", "", "prob/conv1d.prob.yaml",
                   "map/conv1d-1level.map.yaml", "timeloop-model"},
      ExerciseCase{"ex01_2level_os", "01-model-conv1d-2level", "os", "prob/conv1d.prob.yaml",
                   "map/conv1d-2level-os.map.yaml", "timeloop-model"},
      ExerciseCase{"ex01_2level_ws", "01-model-conv1d-2level", "ws", "prob/conv1d.prob.yaml",
                   "map/conv1d-2level-ws.map.yaml", "timeloop-model"},
      ExerciseCase{"ex02_no_tiling", "02-model-conv1d+oc-2level", "no-tiling", "prob/conv1d+oc.prob.yaml",
                   "map/conv1d+oc-2level-os.map.yaml", "timeloop-model"},
      ExerciseCase{"ex02_tiling", "02-model-conv1d+oc-2level", "tiling", "prob/conv1d+oc.prob.yaml",
                   "map/conv1d+oc-2level-os-tiled.map.yaml", "timeloop-model"},
      ExerciseCase{"ex03_no_bypass", "03-model-conv1d+oc-3level", "no-bypass", "prob/conv1d+oc.prob.yaml",
                   "map/conv1d+oc-3level.map.yaml", "timeloop-model"},
      ExerciseCase{"ex03_bypass", "03-model-conv1d+oc-3level", "bypass", "prob/conv1d+oc.prob.yaml",
                   "map/conv1d+oc-3level-bypass.map.yaml", "timeloop-model"},
      ExerciseCase{"ex04_kp", "04-model-conv1d+oc-3levelspatial", "kp", "prob/conv1d+oc+ic.prob.yaml",
                   "map/conv1d+oc+ic-3levelspatial-kp-ws.map.yaml", "timeloop-model"},
      ExerciseCase{"ex04_cp", "04-model-conv1d+oc-3levelspatial", "cp", "prob/conv1d+oc+ic.prob.yaml",
                   "map/conv1d+oc+ic-3levelspatial-cp-ws.map.yaml", "timeloop-model"},
      ExerciseCase{"ex05_freebypass_best", "05-mapper-conv1d+oc-3level", "freebypass",
                   "prob/conv1d+oc.prob.yaml", "ref-output/freebypass/timeloop-mapper.map.yaml",
                   "timeloop-mapper"},
      ExerciseCase{"ex06_eyeriss_vgg02_l5", "06-mapper-convlayer-eyeriss", "", "prob/VGG02_layer5.yaml",
                   "ref-output/timeloop-mapper.map.yaml", "timeloop-mapper"},
  };
}

// The example designs of the same repository (workspace/example_designs/example_designs/*,
// ref_outputs/default_problem): Timeloop's mapper result on a strided (2x2) 3x3 conv layer.
inline std::vector<ExerciseCase> example_design_cases() {
  return {
      ExerciseCase{"eyeriss_like", "example_designs/eyeriss_like", "", "", "", "timeloop-mapper", true},
      ExerciseCase{"simba_like", "example_designs/simba_like", "", "", "", "timeloop-mapper", true},
      ExerciseCase{"simple_output_stationary", "example_designs/simple_output_stationary", "", "", "",
                   "timeloop-mapper", true},
      ExerciseCase{"simple_weight_stationary", "example_designs/simple_weight_stationary", "", "", "",
                   "timeloop-mapper", true},
      ExerciseCase{"ispass_eyeriss_intmac", "timeloop+accelergy/intmac", "", "", "", "timeloop-mapper", true},
      ExerciseCase{"ispass_eyeriss_fpmac", "timeloop+accelergy/fpmac", "", "", "", "timeloop-mapper", true},
      ExerciseCase{"tutorial_2024", "2024_interface_dse", "", "", "", "timeloop-mapper", true, true},
  };
}

}  // namespace orrery::arch::loopnest::test
