// GPU family speed: one whole-model simulation on configs/gpu/h100_sxm.yaml with the `pytorch`
// mapper (analytical), and the SystemC cycle model of a GEMM (one elaboration per process, so
// it runs once). Results: bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <string>

#include "arch/registry.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/zoo/registry.hpp"

namespace {

using orrery::workloads::DType;

void gpu_model(benchmark::State& state, const std::string& spec, int64_t batch) {
  const auto cfg = orrery::arch::load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/gpu/h100_sxm.yaml");
  const auto* family = orrery::arch::find_family("gpu");
  const auto g = orrery::workloads::zoo::build_model(spec, {batch, DType::fp16});
  int64_t kernels = 0;
  for (auto _ : state) {
    const auto r = family->simulate(cfg, g, orrery::arch::RunOptions{});
    kernels = 0;
    for (const auto& l : r.layers)
      kernels += static_cast<int64_t>(l.mapping.value("kernels", nlohmann::json::array()).size());
    benchmark::DoNotOptimize(r);
  }
  state.counters["kernels"] = static_cast<double>(kernels);
}

BENCHMARK_CAPTURE(gpu_model, resnet50_b32, std::string("resnet50"), 32)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(gpu_model, bert_base_b32, std::string("bert_base"), 32)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(gpu_model, llama2_7b_b4, std::string("llama2_7b"), 4)->Unit(benchmark::kMillisecond);

void gpu_cycle_gemm(benchmark::State& state) {
  const auto cfg = orrery::arch::load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/gpu/h100_sxm.yaml");
  const auto g = orrery::workloads::parse_op_spec("gemm:M=4096,N=4096,K=4096,dtype=fp16");
  orrery::arch::RunOptions o;
  o.fidelity = orrery::arch::Fidelity::cycle;
  for (auto _ : state) benchmark::DoNotOptimize(orrery::arch::find_family("gpu")->simulate(cfg, g, o));
}
BENCHMARK(gpu_cycle_gemm)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
