// Entry points of the Timeloop and Accelergy readers (arch/loopnest/*reader*).
#include <utility>

#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"
#include "fuzz/entry_points.hpp"
#include "fuzz/input_helpers.hpp"

namespace orrery::fuzz {
namespace {

namespace ln = arch::loopnest;

void parse_timeloop_problem(std::string_view data) {
  ln::parse_timeloop_problem(std::string(data), "fuzz.prob.yaml");
}

void parse_timeloop_arch(std::string_view data) {
  ln::parse_timeloop_architecture(std::string(data), "fuzz.arch.yaml");
}

// Timeloop's exercises: an architecture and the problem its mappings were written for.
struct TimeloopPair {
  ln::LoopNestSpec spec;
  ln::Problem problem;
};

const std::vector<TimeloopPair>& timeloop_pairs() {
  static const std::vector<TimeloopPair> pairs = [] {
    const std::string dir = repo_path("tests/data/loopnest/timeloop/");
    const std::vector<std::pair<std::string, std::string>> files = {
        {"00-model-conv1d-1level/arch/1level.arch.yaml", "00-model-conv1d-1level/prob/conv1d.prob.yaml"},
        {"01-model-conv1d-2level/arch/2level.arch.yaml", "01-model-conv1d-2level/prob/conv1d.prob.yaml"},
        {"02-model-conv1d+oc-2level/arch/2level.arch.yaml",
         "02-model-conv1d+oc-2level/prob/conv1d+oc.prob.yaml"},
        {"03-model-conv1d+oc-3level/arch/3level.arch.yaml",
         "03-model-conv1d+oc-3level/prob/conv1d+oc.prob.yaml"},
        {"04-model-conv1d+oc-3levelspatial/arch/3levelspatial.arch.yaml",
         "04-model-conv1d+oc-3levelspatial/prob/conv1d+oc+ic.prob.yaml"},
        {"06-mapper-convlayer-eyeriss/arch/eyeriss_like.yaml",
         "06-mapper-convlayer-eyeriss/prob/VGG02_layer5.yaml"}};
    std::vector<TimeloopPair> out;
    for (const auto& [arch_file, prob_file] : files)
      out.push_back(
          {ln::read_timeloop_architecture(dir + arch_file), ln::read_timeloop_problem(dir + prob_file)});
    return out;
  }();
  return pairs;
}

void parse_timeloop_mapping(std::string_view data) {
  const TimeloopPair& pair = pick(timeloop_pairs(), data);
  ln::parse_timeloop_mapping(std::string(data), "fuzz.map.yaml", pair.spec, pair.problem);
}

void parse_ert(std::string_view data) {
  const TimeloopPair& pair = pick(timeloop_pairs(), data);
  ln::LoopNestSpec spec = pair.spec;
  ln::apply_ert(ln::parse_accelergy_ert(std::string(data), "fuzz.ERT.yaml"), spec);
}

}  // namespace

const std::vector<EntryPoint>& loopnest_entry_points() {
  static const std::vector<EntryPoint> group = {
      {"timeloop_problem", "--problem PROB.yaml (Timeloop)", parse_timeloop_problem},
      {"timeloop_arch", "Timeloop architecture YAML", parse_timeloop_arch},
      {"timeloop_mapping", "--mapping MAP.yaml (Timeloop; first byte picks the exercise)",
       parse_timeloop_mapping},
      {"ert", "--ert ERT.yaml (Accelergy; first byte picks the architecture)", parse_ert},
  };
  return group;
}

}  // namespace orrery::fuzz
