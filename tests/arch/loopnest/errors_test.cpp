// Bad input: each error is one ConfigError naming the file, the key and what was expected.
// Infeasible mappings: a value naming the level / data space / dimension.
#include <gtest/gtest.h>

#include <string>

#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/mapping_text.hpp"
#include "arch/loopnest/model.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {
namespace {

const std::string kData = std::string(ORRERY_SOURCE_DIR) + "/tests/data/loopnest/timeloop/";
const std::string kEx03 = kData + "03-model-conv1d+oc-3level/";

// Runs f, expects a ConfigError whose message contains every needle.
template <typename F>
void expect_config_error(F f, std::initializer_list<std::string> needles) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    for (const auto& n : needles)
      EXPECT_NE(msg.find(n), std::string::npos) << "missing '" << n << "' in: " << msg;
  }
}

struct Ex03 {
  LoopNestSpec spec = read_timeloop_architecture(kEx03 + "arch/3level.arch.yaml");
  Problem problem = read_timeloop_problem(kEx03 + "prob/conv1d+oc.prob.yaml");
};

TEST(LoopNestErrors, MappingUnknownDimensionNamesFileKeyAndChoices) {
  Ex03 ex;
  expect_config_error(
      [&] {
        parse_timeloop_mapping("mapping:\n- {target: GlobalBuffer, type: temporal, factors: X=3 K=2}",
                               "bad.map.yaml", ex.spec, ex.problem);
      },
      {"bad.map.yaml:2:", "mapping[0](GlobalBuffer).factors", "K, R, P", "'X=3'"});
}

TEST(LoopNestErrors, MisspelledKeysAreErrorsWithASuggestion) {
  Ex03 ex;
  expect_config_error(
      [&] {
        parse_timeloop_mapping("mapping:\n- {target: GlobalBuffer, type: temporal, factor: K=2}", "m.yaml",
                               ex.spec, ex.problem);
      },
      {"m.yaml:2:", "mapping[0].factor", "unknown key 'factor'", "did you mean 'factors'?"});
  expect_config_error(
      [] {
        parse_timeloop_problem(R"(
problem:
  shape: {name: p, dimensions: [R], data_spaces: [{name: W, projection: [[[R]]], readwrite: true}]}
  instance: {R: 3}
)",
                               "p.yaml");
      },
      {"p.yaml:3:", "data_spaces[0].readwrite", "did you mean 'read_write'?"});
}

TEST(LoopNestErrors, MappingUnknownTargetListsLevels) {
  Ex03 ex;
  expect_config_error(
      [&] {
        parse_timeloop_mapping("mapping:\n- {target: L2, type: temporal}", "m.yaml", ex.spec, ex.problem);
      },
      {"m.yaml:2:", "mapping[0].target", "RegisterFile, GlobalBuffer, MainMemory", "'L2'"});
}

TEST(LoopNestErrors, MappingBadTypeAndBadDataSpace) {
  Ex03 ex;
  expect_config_error(
      [&] {
        parse_timeloop_mapping("mapping:\n- {target: MainMemory, type: tempral}", "m.yaml", ex.spec,
                               ex.problem);
      },
      {"mapping[0].type", "temporal, spatial", "'tempral'"});
  expect_config_error(
      [&] {
        parse_timeloop_mapping("mapping:\n- {target: MainMemory, type: bypass, bypass: [Psums]}", "m.yaml",
                               ex.spec, ex.problem);
      },
      {"mapping[0](MainMemory).bypass", "Weights, Inputs, Outputs", "'Psums'"});
}

TEST(LoopNestErrors, ProblemMissingBoundAndBadProjection) {
  expect_config_error(
      [] {
        parse_timeloop_problem(R"(
problem:
  shape: {name: p, dimensions: [R, P], data_spaces: [{name: W, projection: [[[R]]]}]}
  instance: {R: 3}
)",
                               "p.yaml");
      },
      {"p.yaml", "problem.instance.P", "bound of dimension P"});
  expect_config_error(
      [] {
        parse_timeloop_problem(R"(
problem:
  shape: {name: p, dimensions: [R, P], data_spaces: [{name: W, projection: [[[Q]]]}]}
  instance: {R: 3, P: 2}
)",
                               "p.yaml");
      },
      {"p.yaml:3:", "data_spaces[0](W).projection[0][0]", "R, P", "'Q'"});
}

TEST(LoopNestErrors, ArchitectureBadAttributeAndMissingTag) {
  expect_config_error(
      [] {
        parse_timeloop_architecture(R"(
architecture:
  version: 0.4
  nodes:
  - !Component {name: Buf, class: SRAM, attributes: {depth: lots, width: 8, datawidth: 8}}
  - !Component {name: MAC, class: intmac}
)",
                                    "a.yaml");
      },
      {"a.yaml:5:", "Buf.attributes.depth", "an integer", "'lots'"});
  expect_config_error(
      [] {
        parse_timeloop_architecture(R"(
architecture:
  nodes:
  - {name: Buf, class: SRAM}
  - !Component {name: MAC, class: intmac}
)",
                                    "a.yaml");
      },
      {"a.yaml:4:", "architecture.nodes[0]", "!Container, !Component, !Parallel or !Nothing", "no tag"});
}

TEST(LoopNestErrors, ErtMissingComponent) {
  Ex03 ex;
  const auto ert = parse_accelergy_ert(
      "ERT:\n  tables:\n  - {name: 'S.RegisterFile[1..1]', actions: [{name: read, energy: 1}]}", "e.yaml");
  expect_config_error([&] { apply_ert(ert, ex.spec); }, {"e.yaml", "table RegisterFile: no action 'write'"});
  const auto ert2 = parse_accelergy_ert("ERT:\n  tables: []", "e2.yaml");
  expect_config_error([&] { apply_ert(ert2, ex.spec); }, {"e2.yaml", "no table for component RegisterFile"});
}

TEST(LoopNestErrors, MissingFileIsAConfigError) {
  expect_config_error([] { read_timeloop_problem("/nonexistent/p.yaml"); },
                      {"/nonexistent/p.yaml", "cannot open"});
}

// Infeasible mappings are values whose reason names what is wrong.
TEST(LoopNestInfeasible, FactorProductCapacityAndFanout) {
  Ex03 ex;
  const LoopNestModel model(ex.spec, ex.problem);
  auto reason = [&](const std::string& yaml) {
    const auto r = model.evaluate(parse_timeloop_mapping(yaml, "m", ex.spec, ex.problem));
    return std::holds_alternative<Infeasible>(r) ? std::get<Infeasible>(r).reason : std::string("feasible");
  };
  EXPECT_EQ(reason("mapping: [{target: RegisterFile, type: temporal, factors: K=2 R=3 P=16}]"),
            "dimension K: product of factors over all levels is 2, expected the bound 32");
  // RegisterFile holds 64 words; Weights K32 x R3 = 96 does not fit.
  EXPECT_EQ(
      reason("mapping: [{target: RegisterFile, type: temporal, factors: K=32 R=3 P=1},"
             " {target: GlobalBuffer, type: temporal, factors: P=16}]"),
      "level RegisterFile: capacity exceeded at data space Weights: kept tiles need 96 words, capacity 64");
  EXPECT_EQ(reason("mapping: [{target: GlobalBuffer, type: spatial, factors: K=2},"
                   " {target: GlobalBuffer, type: temporal, factors: K=16 P=16 R=3}]"),
            "level GlobalBuffer: spatial X factors multiply to 2, fan-out X is 1");
  EXPECT_EQ(reason("mapping: [{target: MainMemory, type: bypass, bypass: [Inputs]},"
                   " {target: GlobalBuffer, type: temporal, factors: K=32 P=16 R=3}]"),
            "level MainMemory: the outermost level must keep data space Inputs");
}

// The exercise inputs in the `nodes:` form read to the same levels as the front end's dump.
TEST(LoopNestReaders, NodesFormMatchesParsedForm) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"00-model-conv1d-1level/arch/1level.arch.yaml",
       "00-model-conv1d-1level/ref-output/parsed-processed-input.yaml"},
      {"03-model-conv1d+oc-3level/arch/3level.arch.yaml",
       "03-model-conv1d+oc-3level/ref-output/bypass/parsed-processed-input.yaml"},
      {"06-mapper-convlayer-eyeriss/arch/eyeriss_like.yaml",
       "06-mapper-convlayer-eyeriss/ref-output/parsed-processed-input.yaml"}};
  for (const auto& [nodes, parsed] : pairs) {
    SCOPED_TRACE(nodes);
    const LoopNestSpec a = read_timeloop_architecture(kData + nodes);
    const LoopNestSpec b = read_timeloop_architecture(kData + parsed);
    ASSERT_EQ(a.num_levels(), b.num_levels());
    for (int i = 0; i < a.num_levels(); ++i) {
      EXPECT_EQ(a.levels[i].name, b.levels[i].name);
      EXPECT_EQ(a.levels[i].instances, b.levels[i].instances);
      EXPECT_EQ(a.levels[i].mesh_x, b.levels[i].mesh_x);
      EXPECT_EQ(a.levels[i].capacity_words(), b.levels[i].capacity_words());
      EXPECT_EQ(a.levels[i].block_size_words, b.levels[i].block_size_words);
      EXPECT_EQ(a.levels[i].read_bandwidth_words_per_cycle, b.levels[i].read_bandwidth_words_per_cycle);
      EXPECT_EQ(a.levels[i].is_dummy, b.levels[i].is_dummy);
    }
    EXPECT_EQ(a.arithmetic.instances, b.arithmetic.instances);
  }
  // Exercise 04 is the exception: its PE container comes after GlobalBuffer, so by the nodes
  // semantics GlobalBuffer has 1 instance; Timeloop's front end placed the spatial level above
  // GlobalBuffer and gave it 16 (see arch/loopnest/README.md). We read the semantics.
  const LoopNestSpec ex04 =
      read_timeloop_architecture(kData + "04-model-conv1d+oc-3levelspatial/arch/3levelspatial.arch.yaml");
  EXPECT_EQ(ex04.levels[ex04.level_index("GlobalBuffer")].instances, 1);
  EXPECT_EQ(ex04.levels[ex04.level_index("RegisterFile")].instances, 16);
}

// A mapping written as Timeloop YAML reads back to the same mapping (exercise 06's reference).
TEST(LoopNestReaders, MappingYamlRoundTrip) {
  const std::string dir = kData + "06-mapper-convlayer-eyeriss/";
  const LoopNestSpec spec = read_timeloop_architecture(dir + "ref-output/parsed-processed-input.yaml");
  const Problem prob = read_timeloop_problem(dir + "prob/VGG02_layer5.yaml");
  const Mapping m = read_timeloop_mapping(dir + "ref-output/timeloop-mapper.map.yaml", spec, prob);
  const Mapping back = parse_timeloop_mapping(mapping_yaml(spec, prob, m), "roundtrip", spec, prob);
  ASSERT_EQ(back.levels.size(), m.levels.size());
  for (size_t i = 0; i < m.levels.size(); ++i) {
    SCOPED_TRACE(spec.levels[i].name);
    EXPECT_EQ(back.levels[i].temporal, m.levels[i].temporal);
    EXPECT_EQ(back.levels[i].spatial_x, m.levels[i].spatial_x);
    EXPECT_EQ(back.levels[i].spatial_y, m.levels[i].spatial_y);
    EXPECT_EQ(back.levels[i].permutation, m.levels[i].permutation);
    EXPECT_EQ(back.levels[i].keep, m.levels[i].keep);
  }
  const LoopNestModel model(spec, prob);
  const std::string text = mapping_loop_nest_text(model, m);
  EXPECT_NE(text.find("shared_glb [ Inputs:5120 Outputs:7168 ]"), std::string::npos) << text;
  EXPECT_NE(text.find("| for Q in [0:14) (Spatial-X)"), std::string::npos) << text;
}

}  // namespace
}  // namespace orrery::arch::loopnest
