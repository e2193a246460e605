// Loop-nest model speed: evaluations of one mapping per second (the mapper's inner loop).
// Target: >= 1 M evaluations/s over two threads for a 3-level conv. Own executable (the core
// needs no SystemC), plain benchmark main. Results in bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <string>

#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/model.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"
#include "mappers/loopnest/search.hpp"

namespace {

using namespace orrery::arch::loopnest;

const std::string kData = std::string(ORRERY_SOURCE_DIR) + "/tests/data/loopnest/timeloop/";

struct Case {
  LoopNestModel model;
  Mapping mapping;
};

Case load(const std::string& dir, const std::string& ref, const std::string& prob, const std::string& map,
          const std::string& prefix) {
  const std::string out = kData + dir + "/ref-output/" + ref;
  LoopNestSpec spec = read_timeloop_architecture(out + "parsed-processed-input.yaml");
  apply_ert(read_accelergy_ert(out + prefix + ".ERT.yaml"), spec);
  const Problem p = read_timeloop_problem(kData + dir + "/" + prob);
  Mapping m = read_timeloop_mapping(kData + dir + "/" + map, spec, p);
  return Case{LoopNestModel(spec, p), m};
}

const Case& three_level() {
  static const Case c = load("03-model-conv1d+oc-3level", "no-bypass/", "prob/conv1d+oc.prob.yaml",
                             "map/conv1d+oc-3level.map.yaml", "timeloop-model");
  return c;
}

const Case& eyeriss() {
  static const Case c = load("06-mapper-convlayer-eyeriss", "", "prob/VGG02_layer5.yaml",
                             "ref-output/timeloop-mapper.map.yaml", "timeloop-mapper");
  return c;
}

void run(benchmark::State& state, const Case& c) {
  LoopNestStats stats;
  for (auto _ : state) {
    auto inf = c.model.evaluate(c.mapping, stats);
    benchmark::DoNotOptimize(inf);
    benchmark::DoNotOptimize(stats.energy_pj);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_LoopNestEvaluate3LevelConv1d(benchmark::State& state) { run(state, three_level()); }
void BM_LoopNestEvaluateEyerissVgg(benchmark::State& state) { run(state, eyeriss()); }

void BM_LoopNestCheckOnly3Level(benchmark::State& state) {
  const Case& c = three_level();
  for (auto _ : state) benchmark::DoNotOptimize(c.model.check(c.mapping));
  state.SetItemsProcessed(state.iterations());
}

// The mapper end to end on exercise 06 (Eyeriss-like, embedded constraints): candidates per second
// over two threads, sampling and local search included.
void BM_LoopNestSearchEyeriss(benchmark::State& state) {
  const std::string dir = kData + "06-mapper-convlayer-eyeriss/";
  LoopNestSpec spec = read_timeloop_architecture(dir + "arch/eyeriss_like.yaml");
  apply_ert(read_accelergy_ert(dir + "ref-output/timeloop-mapper.ERT.yaml"), spec);
  const Problem p = read_timeloop_problem(dir + "prob/VGG02_layer5.yaml");
  const LoopNestModel model(spec, p);
  auto c = orrery::mappers::loopnest::unconstrained(spec, p);
  orrery::mappers::loopnest::add_directives(
      c, read_architecture_constraints(dir + "arch/eyeriss_like.yaml", spec, p), p);
  orrery::mappers::loopnest::SearchOptions opt;
  opt.max_evaluations = state.range(0);
  int64_t candidates = 0;
  for (auto _ : state) {
    const auto r = orrery::mappers::loopnest::search(model, c, opt);
    candidates += r.candidates;
    benchmark::DoNotOptimize(r.objective);
  }
  state.SetItemsProcessed(candidates);
}

BENCHMARK(BM_LoopNestSearchEyeriss)->Arg(200'000)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK(BM_LoopNestEvaluate3LevelConv1d)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_LoopNestEvaluateEyerissVgg)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_LoopNestCheckOnly3Level)->Threads(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
