// Zoo model construction speed: how long `--model NAME` takes before any simulation starts.
// Target (issue 4): llama2_7b builds in <= 5 ms. Results: bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <string>

#include "workloads/passes/low_rank.hpp"
#include "workloads/passes/prune.hpp"
#include "workloads/passes/quantize.hpp"
#include "workloads/zoo/registry.hpp"

namespace {

using orrery::workloads::DType;
using orrery::workloads::Graph;

void build(benchmark::State& state, const std::string& spec) {
  int64_t ops = 0;
  for (auto _ : state) {
    Graph g = orrery::workloads::zoo::build_model(spec, {1, DType::fp16});
    ops = static_cast<int64_t>(g.size());
    benchmark::DoNotOptimize(g);
  }
  state.counters["ops"] = static_cast<double>(ops);
}

BENCHMARK_CAPTURE(build, llama2_7b, std::string("llama2_7b"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(build, llama2_7b_decode, std::string("llama2_7b:phase=decode,context=4096"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(build, resnet50, std::string("resnet50"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(build, bert_base, std::string("bert_base"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(build, unet, std::string("unet"))->Unit(benchmark::kMillisecond);

// The three compression passes on resnet50 (build included, as `simulate` runs them).
void passes(benchmark::State& state) {
  for (auto _ : state) {
    Graph g = orrery::workloads::zoo::build_model("resnet50", {1, DType::fp16});
    orrery::workloads::passes::prune(g, {0.5, true});
    g = orrery::workloads::passes::low_rank(g, 32);
    orrery::workloads::passes::quantize(g, DType::int8);
    benchmark::DoNotOptimize(g);
  }
}
BENCHMARK(passes)->Unit(benchmark::kMillisecond);

}  // namespace
