// Mapspace search against Timeloop's mapper results (tests/data/loopnest/timeloop/README.md).
#include "mappers/loopnest/search.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/mapping_text.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"

namespace orrery::mappers::loopnest {
namespace {

const std::string kData = std::string(ORRERY_SOURCE_DIR) + "/tests/data/loopnest/timeloop/";

// Exercise 05, free bypass: factors and loop orders fixed by the constraints file, the 2 x 3
// keep/bypass choices of RegisterFile and GlobalBuffer free: 64 mappings. Timeloop's exhaustive
// (linear-pruned) mapper, optimizing delay then energy, chose RegisterFile keeping everything and
// GlobalBuffer keeping only Inputs: 1536 cycles, 30263.99 fJ/compute.
TEST(LoopNestSearch, Exercise05FreeBypassExhaustiveOptimum) {
  const std::string dir = kData + "05-mapper-conv1d+oc-3level/";
  ln::LoopNestSpec spec = ln::read_timeloop_architecture(dir + "arch/3level.arch.yaml");
  ln::apply_ert(ln::read_accelergy_ert(dir + "ref-output/freebypass/timeloop-mapper.ERT.yaml"), spec);
  const ln::Problem prob = ln::read_timeloop_problem(dir + "prob/conv1d+oc.prob.yaml");
  const ln::LoopNestModel model(spec, prob);
  MapspaceConstraints c = unconstrained(spec, prob);
  add_directives(c,
                 ln::read_mapping_directives(dir + "constraints/conv1d+oc-3level-freebypass.constraints.yaml",
                                             spec, prob),
                 prob);
  SearchOptions opt;
  opt.objective = Objective::kDelay;
  const SearchResult r = search(model, c, opt);
  ASSERT_TRUE(r.found);
  EXPECT_TRUE(r.exhaustive);
  EXPECT_EQ(r.candidates, 64);
  EXPECT_EQ(r.stats.cycles, 1536);
  EXPECT_NEAR(r.stats.energy_pj * 1000.0 / 1536.0, 30263.99, 0.01);
  const int rf = spec.level_index("RegisterFile");
  const int glb = spec.level_index("GlobalBuffer");
  for (int s = 0; s < 3; ++s) EXPECT_TRUE(r.best.levels[rf].keep[s]) << s;
  EXPECT_FALSE(r.best.levels[glb].keep[prob.data_space_index("Weights")]);
  EXPECT_TRUE(r.best.levels[glb].keep[prob.data_space_index("Inputs")]);
  EXPECT_FALSE(r.best.levels[glb].keep[prob.data_space_index("Outputs")]);
}

// A 2-level conv1d (R=3, P=4; Buffer of 8 words over MainMemory) small enough to count by hand:
// factor splits R: 2 ways, P = 2*2: 3 ways -> 6 combinations; orders of the non-unit loops per
// level: 2+2+1+1+2+2 = 10 (e.g. R and P both in the Buffer: 2 orders); Buffer keep choices
// 2^3 = 8 -> 80 candidates. A random search with a budget far above 80 must find the same
// optimum as the enumeration.
TEST(LoopNestSearch, ExhaustiveCountsEveryCandidateAndAgreesWithRandomSearch) {
  ln::LoopNestSpec spec;
  ln::StorageLevelSpec buf;
  buf.name = "Buffer";
  buf.depth = 8;
  buf.energy = {1.0, 1.0, 1.0, 0.0};
  ln::StorageLevelSpec mem;
  mem.name = "MainMemory";
  mem.energy = {100.0, 100.0, 100.0, 0.0};
  spec.levels = {buf, mem};
  spec.arithmetic.compute_energy_pj = 1.0;
  const ln::Problem prob = ln::parse_timeloop_problem(R"(
problem:
  shape:
    name: conv1d
    dimensions: [R, P]
    data_spaces:
    - {name: Weights, projection: [[[R]]]}
    - {name: Inputs, projection: [[[R], [P]]]}
    - {name: Outputs, projection: [[[P]]], read_write: true}
  instance: {R: 3, P: 4}
)",
                                                      "conv1d");
  const ln::LoopNestModel model(spec, prob);
  const MapspaceConstraints c = unconstrained(spec, prob);
  SearchOptions opt;
  opt.objective = Objective::kEnergy;
  const SearchResult ex = search(model, c, opt);
  ASSERT_TRUE(ex.found);
  EXPECT_TRUE(ex.exhaustive);
  EXPECT_EQ(ex.candidates, 80);
  opt.exhaustive_limit = 0;  // force sampling
  opt.max_evaluations = 20'000;
  opt.sample_batch = 50;
  const SearchResult rnd = search(model, c, opt);
  ASSERT_TRUE(rnd.found);
  EXPECT_FALSE(rnd.exhaustive);
  EXPECT_EQ(rnd.objective, ex.objective);
  EXPECT_LE(ex.objective, rnd.objective);
}

TEST(LoopNestSearch, ReadsTimeloopMapperOptions) {
  const SearchOptions ex05 =
      read_timeloop_mapper_options(kData + "05-mapper-conv1d+oc-3level/mapper/exhaustive.mapper.yaml");
  EXPECT_EQ(ex05.objective, Objective::kDelay);
  EXPECT_EQ(ex05.threads, 1);
  EXPECT_EQ(ex05.victory_condition, 0);
  EXPECT_EQ(ex05.exhaustive_limit, std::numeric_limits<int64_t>::max());
  const SearchOptions ex06 =
      read_timeloop_mapper_options(kData + "06-mapper-convlayer-eyeriss/mapper/mapper.yaml");
  EXPECT_EQ(ex06.objective, Objective::kDelay);
  EXPECT_EQ(ex06.threads, 8);
  EXPECT_EQ(ex06.victory_condition, 500);
  EXPECT_EQ(ex06.timeout, 15000);
  EXPECT_EQ(ex06.exhaustive_limit, 0);
  try {
    parse_timeloop_mapper_options("mapper:\n  optimization_metrics: [latency]", "m.yaml");
    ADD_FAILURE() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("m.yaml:2:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("edp, energy or delay"), std::string::npos) << e.what();
  }
}

// Timeloop's victory condition stops a thread after that many valid mappings in a row that do
// not beat its best: far fewer candidates than the budget.
TEST(LoopNestSearch, VictoryConditionStopsEarly) {
  const std::string dir = kData + "05-mapper-conv1d+oc-3level/";
  ln::LoopNestSpec spec = ln::read_timeloop_architecture(dir + "arch/3level.arch.yaml");
  ln::apply_ert(ln::read_accelergy_ert(dir + "ref-output/freebypass/timeloop-mapper.ERT.yaml"), spec);
  const ln::Problem prob = ln::read_timeloop_problem(dir + "prob/conv1d+oc.prob.yaml");
  const ln::LoopNestModel model(spec, prob);
  SearchOptions opt;
  opt.exhaustive_limit = 0;
  opt.max_evaluations = 1'000'000;
  opt.victory_condition = 100;
  const SearchResult r = search(model, unconstrained(spec, prob), opt);
  ASSERT_TRUE(r.found);
  EXPECT_LT(r.candidates, 100'000);
}

struct Eyeriss {
  ln::LoopNestSpec spec;
  ln::Problem prob;
  MapspaceConstraints constraints;
};

Eyeriss eyeriss() {
  const std::string dir = kData + "06-mapper-convlayer-eyeriss/";
  Eyeriss e;
  e.spec = ln::read_timeloop_architecture(dir + "arch/eyeriss_like.yaml");
  ln::apply_ert(ln::read_accelergy_ert(dir + "ref-output/timeloop-mapper.ERT.yaml"), e.spec);
  e.prob = ln::read_timeloop_problem(dir + "prob/VGG02_layer5.yaml");
  e.constraints = unconstrained(e.spec, e.prob);
  add_directives(e.constraints,
                 ln::read_architecture_constraints(dir + "arch/eyeriss_like.yaml", e.spec, e.prob), e.prob);
  return e;
}

// Exercise 06: Timeloop's random-pruned mapper (8 threads, victory condition 500) on the
// Eyeriss-like architecture with its embedded constraints found 2764.38 uJ and 5,505,024 cycles:
// EDP = 2764.38e-6 J x 5505024 = 1.5218e4 J*cycle. Ours, 2 threads, a fixed budget, must be at
// least as good.
TEST(LoopNestSearch, Exercise06EyerissEdpAtLeastAsGoodAsTimeloop) {
  const Eyeriss e = eyeriss();
  const ln::LoopNestModel model(e.spec, e.prob);
  SearchOptions opt;
  opt.seed = 7;
  opt.max_evaluations = 3'000'000;
  const SearchResult r = search(model, e.constraints, opt);
  ASSERT_TRUE(r.found);
  EXPECT_FALSE(r.exhaustive);
  const double timeloop_edp = 2764.38e-6 * 5505024.0;
  EXPECT_LE(r.objective, timeloop_edp)
      << "energy " << r.stats.energy_pj * 1e-6 << " uJ, cycles " << r.stats.cycles << ", evaluated "
      << r.evaluated << " of " << r.candidates;
  RecordProperty("edp", std::to_string(r.objective));
  std::cout << "best EDP " << r.objective << " J*cycle (Timeloop " << timeloop_edp << "), energy "
            << r.stats.energy_pj * 1e-6 << " uJ, cycles " << r.stats.cycles << ", " << r.evaluated
            << " feasible of " << r.candidates << " candidates, " << r.progress.size()
            << " improvements, last at " << (r.progress.empty() ? 0.0 : r.progress.back().seconds) << " s\n"
            << ln::mapping_loop_nest_text(model, r.best);
}

TEST(LoopNestSearch, SameSeedSameResult) {
  const Eyeriss e = eyeriss();
  const ln::LoopNestModel model(e.spec, e.prob);
  SearchOptions opt;
  opt.seed = 3;
  opt.max_evaluations = 100'000;
  const SearchResult a = search(model, e.constraints, opt);
  const SearchResult b = search(model, e.constraints, opt);
  ASSERT_TRUE(a.found && b.found);
  EXPECT_EQ(a.objective, b.objective);
  EXPECT_EQ(a.candidates, b.candidates);
  EXPECT_EQ(a.evaluated, b.evaluated);
  for (size_t i = 0; i < a.best.levels.size(); ++i) {
    EXPECT_EQ(a.best.levels[i].temporal, b.best.levels[i].temporal);
    EXPECT_EQ(a.best.levels[i].permutation, b.best.levels[i].permutation);
    EXPECT_EQ(a.best.levels[i].keep, b.best.levels[i].keep);
  }
}

}  // namespace
}  // namespace orrery::mappers::loopnest
