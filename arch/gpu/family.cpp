#include "arch/gpu/family.hpp"

#include <fmt/format.h>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/op_stats.hpp"
#include "arch/gpu/sc/gpu_system.hpp"
#include "arch/gpu/spec.hpp"
#include "common/error.hpp"
#include "mappers/gpu/library_mapper.hpp"

namespace orrery::arch::gpu {

GpuFamily::GpuFamily() : schema_(make_schema()) {}

std::string_view GpuFamily::doc() const {
  return "GPU (SMs, tensor cores, L2, HBM); library-chosen kernels, waves, power-capped clock";
}

std::vector<std::string> GpuFamily::mappers() const {
  return {mappers::gpu::kPytorchMapper, mappers::gpu::kLibraryMapper};
}

void GpuFamily::check(const config::Resolved& cfg) const { gpu::check(cfg); }

RunResult GpuFamily::simulate(const config::Resolved& cfg, const workloads::Graph& graph,
                              const RunOptions& options) const {
  const std::string mapper = options.mapper.empty() ? mappers()[0] : options.mapper;
  if (mapper != mappers::gpu::kPytorchMapper && mapper != mappers::gpu::kLibraryMapper)
    throw UsageError(fmt::format("--mapper: the gpu family has mappers {}|{}, got '{}'", mappers::gpu::kPytorchMapper,
                                 mappers::gpu::kLibraryMapper, options.mapper));
  const auto rt = mapper == mappers::gpu::kPytorchMapper ? mappers::gpu::Runtime::pytorch : mappers::gpu::Runtime::library;
  const GpuSpec spec = make_spec(cfg);
  const bool whole_graph = graph.size() > 1;
  const LaunchMode mode = whole_graph ? LaunchMode::graph : LaunchMode::isolated;
  const auto mappings = mappers::gpu::map_graph(graph, spec, whole_graph && spec.fuse_epilogues, rt);
  // Analytical timing of every kernel (it also chooses each kernel's clock).
  std::vector<std::vector<KernelTiming>> timing(graph.size());
  std::vector<Kernel> all;
  std::vector<double> clocks;
  // A run shorter than the power limiter's window is a burst at the max clock; a longer one
  // settles at the power-capped clock.
  auto time_all = [&](bool sustained) {
    double busy = 0;
    all.clear();
    clocks.clear();
    for (size_t i = 0; i < graph.size(); ++i) {
      timing[i].clear();
      for (const auto& k : mappings[i].kernels) {
        // An op timed alone pays the isolated launch cost once; its further kernels (split-K
        // reduce, bias, batch-norm stages) follow back to back as in a graph.
        timing[i].push_back(time_kernel(spec, k, timing[i].empty() ? mode : LaunchMode::graph, sustained));
        all.push_back(k);
        clocks.push_back(timing[i].back().clock_hz);
        busy += timing[i].back().seconds;
      }
    }
    return busy;
  };
  if (time_all(false) > spec.power_window_s) time_all(true);
  // Cycle fidelity: the SystemC model re-times the busy part of every kernel at that clock
  // (one elaboration for the whole graph); fixed launch costs and energy rates are unchanged.
  std::vector<sc::ScKernelResult> cycle;
  if (options.fidelity == Fidelity::cycle) cycle = sc::run_cycle_model(spec, all, clocks);
  RunResult result;
  result.mapper = mapper;
  size_t flat = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    const workloads::Op& op = graph.ops()[i];
    std::vector<KernelTiming> timings;
    nlohmann::json mapping = mappings[i].to_json();
    for (size_t j = 0; j < mappings[i].kernels.size(); ++j, ++flat) {
      timings.push_back(timing[i][j]);
      auto& kj = mapping["kernels"][j];
      if (!cycle.empty()) {
        with_busy_time(spec, timings.back(), cycle[flat].busy_seconds);
        kj["cycle"] = {{"busy_us", cycle[flat].busy_seconds * 1e6},
                       {"l2_queueing_us", cycle[flat].l2_wait_s * 1e6},
                       {"hbm_queueing_us", cycle[flat].dram_wait_s * 1e6},
                       {"tail_us", cycle[flat].tail_seconds * 1e6}};
      }
      kj["us"] = timings.back().seconds * 1e6;
      kj["busy_us"] = timings.back().busy_seconds * 1e6;
      kj["clock_mhz"] = timings.back().clock_hz / 1e6;
      kj["power_capped"] = timings.back().power_capped;
      kj["waves"] = timings.back().waves;
      kj["power_w"] = timings.back().power_w;
    }
    result.layers.push_back({op.name, std::string(op.kind_name()), op.describe(),
                             op_stats(spec, op, mappings[i].kernels, timings), std::move(mapping)});
  }
  finalize(result, options.batch);
  return result;
}

}  // namespace orrery::arch::gpu
