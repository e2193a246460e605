// Systolic family speed and memory: ResNet-50 on a 256x256 array (configs/systolic/tpu_v1.yaml,
// exact timing, and scalesim_google.yaml), from the SCALE-Sim-style topology CSV and from the
// zoo model (which adds pools, residual adds and the classifier as memory passes / GEMMs).
// The cycle fidelity elaborates SystemC once per process, so each iteration forks a child;
// its peak RSS is reported as child_peak_rss_mb. Results: bench/RESULTS.md.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "arch/registry.hpp"
#include "workloads/topology_csv.hpp"
#include "workloads/zoo/registry.hpp"

namespace {

using namespace orrery;

workloads::Graph workload(int which) {
  if (which == 0)
    return workloads::read_topology_csv(std::string(ORRERY_SOURCE_DIR) + "/tests/data/scalesim_resnet50.csv");
  return workloads::zoo::build_model("resnet50", {1, workloads::DType::int8});
}

config::Resolved arch_config(int which) {
  return arch::load_arch(std::string(ORRERY_SOURCE_DIR) + (which == 0
                                                               ? "/configs/systolic/tpu_v1.yaml"
                                                               : "/configs/systolic/scalesim_google.yaml"));
}

double peak_rss_mb(int who) {
  rusage u{};
  ::getrusage(who, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

// range(0): 0 topology CSV, 1 zoo resnet50; range(1): 0 tpu_v1 (exact), 1 scalesim_google.
void BM_SystolicResNet50Analytical(benchmark::State& state) {
  const auto graph = workload(static_cast<int>(state.range(0)));
  const auto cfg = arch_config(static_cast<int>(state.range(1)));
  const arch::Family* family = arch::find_family("systolic");
  int64_t cycles = 0;
  for (auto _ : state) {
    const auto r = family->simulate(cfg, graph, {"", arch::Fidelity::analytical, 1});
    cycles = r.total.cycles;
    benchmark::DoNotOptimize(cycles);
  }
  state.counters["layers"] = static_cast<double>(graph.size());
  state.counters["sim_cycles"] = static_cast<double>(cycles);
  state.counters["peak_rss_mb"] = peak_rss_mb(RUSAGE_SELF);
}
BENCHMARK(BM_SystolicResNet50Analytical)
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Unit(benchmark::kMillisecond);

void BM_SystolicResNet50Cycle(benchmark::State& state) {
  const auto graph = workload(static_cast<int>(state.range(0)));
  const auto cfg = arch_config(static_cast<int>(state.range(1)));
  const arch::Family* family = arch::find_family("systolic");
  for (auto _ : state) {
    const pid_t pid = ::fork();  // one SystemC elaboration per process
    if (pid == 0) {
      const auto r = family->simulate(cfg, graph, {"", arch::Fidelity::cycle, 1});
      ::_exit(r.total.cycles > 0 ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) state.SkipWithError("cycle child failed");
  }
  state.counters["layers"] = static_cast<double>(graph.size());
  state.counters["child_peak_rss_mb"] = peak_rss_mb(RUSAGE_CHILDREN);
}
BENCHMARK(BM_SystolicResNet50Cycle)->Args({0, 0})->Args({1, 0})->Args({0, 1})->Unit(benchmark::kMillisecond);

}  // namespace
