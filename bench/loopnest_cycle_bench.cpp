// Loop-nest cycle model speed: one SystemC simulation of a whole layer (fork, elaboration, every
// tile step), per mapping. Target: an Eyeriss-like VGG layer in seconds. Own executable (links
// only the loop-nest libraries); enters through bench_main.cpp's sc_main. Results in
// bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <string>

#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/sc/run_cycle.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"

namespace {

using namespace orrery::arch::loopnest;

const std::string kData = std::string(ORRERY_SOURCE_DIR) + "/tests/data/loopnest/timeloop/";

struct Case {
  LoopNestSpec spec;
  Problem problem;
  Mapping mapping;
};

Case eyeriss(bool unbounded) {
  const std::string dir = kData + "06-mapper-convlayer-eyeriss/";
  Case c;
  c.spec = read_timeloop_architecture(dir + "ref-output/parsed-processed-input.yaml");
  apply_ert(read_accelergy_ert(dir + "ref-output/timeloop-mapper.ERT.yaml"), c.spec);
  if (unbounded)
    for (auto& l : c.spec.levels)
      l.read_bandwidth_words_per_cycle = l.write_bandwidth_words_per_cycle =
          l.shared_bandwidth_words_per_cycle = 0;
  c.problem = read_timeloop_problem(dir + "prob/VGG02_layer5.yaml");
  c.mapping = read_timeloop_mapping(dir + "ref-output/timeloop-mapper.map.yaml", c.spec, c.problem);
  return c;
}

void run(benchmark::State& state, const Case& c) {
  int64_t steps = 0;
  for (auto _ : state) {
    const LoopNestScResult r = run_loopnest_sc(c.spec, c.problem, c.mapping);
    steps += r.summary.tile_steps;
    benchmark::DoNotOptimize(r.summary.cycles);
  }
  state.SetItemsProcessed(steps);  // tile steps per second
}

// Exercise 06: Timeloop's mapping of VGG02 layer 5 on the Eyeriss-like design, 688,128 tile steps.
void BM_LoopNestCycleEyerissVgg(benchmark::State& state) {
  static const Case c = eyeriss(false);
  run(state, c);
}
void BM_LoopNestCycleEyerissVggUnbounded(benchmark::State& state) {
  static const Case c = eyeriss(true);
  run(state, c);
}

BENCHMARK(BM_LoopNestCycleEyerissVgg)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoopNestCycleEyerissVggUnbounded)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
