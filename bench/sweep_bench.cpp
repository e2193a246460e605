// Sweep engine speed and memory (issue 7): analytical design points per second for a
// single-layer workload, a ResNet-50 x 1,000-point sweep end to end (pool + SQLite + front),
// and the coordinator's peak RSS as the number of points grows (it should stay flat).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "arch/registry.hpp"
#include "sim/sweep/evaluator.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/spec.hpp"

namespace orrery::sim::sweep {
namespace {

std::string base() { return std::string(ORRERY_SOURCE_DIR) + "/configs/systolic/edge_32x32.yaml"; }

// rows x cols x dataflow x ofmap: 16 x 16 x 3 x n points of one GEMM layer.
SweepSpec gemm_spec(int ofmap_values) {
  const std::string text =
      "name: bench\nbase: " + base() +
      "\naxes:\n  array.rows: {linear: [8, 128, 16]}\n  array.cols: {linear: [8, 128, 16]}\n"
      "  dataflow: [ws, os, is]\n  sram.ofmap_kb: {log: [16, 4096, " +
      std::to_string(ofmap_values) +
      "]}\nworkloads:\n  - op: gemm:M=512,N=512,K=512,dtype=int8\n"
      "objectives: {cycles: min, energy: min, area: min}\n";
  return parse_spec_text(text, "bench.yaml", "", registry_env());
}

std::string temp_db(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string(name) + std::to_string(::getpid()) + ".sqlite"))
      .string();
}

void remove_db(const std::string& db) {
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(db + s);
}

long max_rss_kb() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// One process, no database: the per-point cost of overrides + checks + the systolic model
// (its CPU-time rate is what one core sustains).
void BM_SweepEvaluateSingleLayer(benchmark::State& state) {
  const SweepSpec spec = gemm_spec(8);
  Evaluator ev(spec, *arch::find_family("systolic"), load_graphs(spec));
  std::vector<uint64_t> tasks(ev.space().tasks());
  for (uint64_t i = 0; i < tasks.size(); ++i) tasks[i] = i;
  for (auto _ : state) benchmark::DoNotOptimize(ev.evaluate(tasks, 1));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tasks.size()));
}
BENCHMARK(BM_SweepEvaluateSingleLayer)->Unit(benchmark::kMillisecond);

// The whole engine: --jobs 2 worker processes, WAL writes, the Pareto pass.
void BM_SweepRunSingleLayer(benchmark::State& state) {
  const SweepSpec spec = gemm_spec(static_cast<int>(state.range(0)));
  Evaluator ev(spec, *arch::find_family("systolic"), load_graphs(spec));
  uint64_t points = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string db = temp_db("orrery_sweep_bench_");
    remove_db(db);
    state.ResumeTiming();
    RunSettings s;
    s.db_path = db;
    s.jobs = 2;
    std::ostringstream out, progress;
    points += run_sweep(ev, s, out, progress).ran;
    state.PauseTiming();
    remove_db(db);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(points));
  state.counters["points"] = static_cast<double>(ev.space().points());
  state.counters["coordinator_max_rss_kb"] = static_cast<double>(max_rss_kb());
}
// Wall-clock rates: the work happens in the worker processes, not in this thread's CPU time.
BENCHMARK(BM_SweepRunSingleLayer)
    ->Arg(2)
    ->Arg(8)
    ->Arg(32)
    ->Arg(128)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// ResNet-50 (int8, batch 1) x 1,000 points: rows x cols x dataflow-ish grid, --jobs 2.
void BM_SweepResNet50x1000(benchmark::State& state) {
  const std::string text =
      "name: bench_resnet\nbase: " + base() +
      "\naxes:\n  array.rows: {log: [8, 256, 10]}\n  array.cols: {log: [8, 256, 10]}\n"
      "  sram.ifmap_kb: {log: [64, 4096, 10]}\nworkloads:\n  - model: resnet50\n    dtype: int8\n";
  const SweepSpec spec = parse_spec_text(text, "bench.yaml", "", registry_env());
  Evaluator ev(spec, *arch::find_family("systolic"), load_graphs(spec));
  uint64_t points = 0;
  for (auto _ : state) {
    const std::string db = temp_db("orrery_sweep_bench_resnet_");
    remove_db(db);
    RunSettings s;
    s.db_path = db;
    s.jobs = 2;
    std::ostringstream out, progress;
    points += run_sweep(ev, s, out, progress).ran;
    remove_db(db);
  }
  state.SetItemsProcessed(static_cast<int64_t>(points));
  state.counters["points"] = static_cast<double>(ev.space().points());
}
BENCHMARK(BM_SweepResNet50x1000)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace orrery::sim::sweep
