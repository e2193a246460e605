#include "arch/gpu/family.hpp"

#include <fmt/format.h>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/op_stats.hpp"
#include "arch/gpu/spec.hpp"
#include "common/error.hpp"
#include "mappers/gpu/library_mapper.hpp"

namespace orrery::arch::gpu {

GpuFamily::GpuFamily() : schema_(make_schema()) {}

std::string_view GpuFamily::doc() const {
  return "GPU (SMs, tensor cores, L2, HBM); library-chosen kernels, waves, power-capped clock";
}

std::vector<std::string> GpuFamily::mappers() const { return {mappers::gpu::kLibraryMapper}; }

void GpuFamily::check(const config::Resolved& cfg) const { gpu::check(cfg); }

RunResult GpuFamily::simulate(const config::Resolved& cfg, const workloads::Graph& graph,
                              const RunOptions& options) const {
  if (!options.mapper.empty() && options.mapper != mappers::gpu::kLibraryMapper)
    throw UsageError(fmt::format("--mapper: the gpu family has mappers {}, got '{}'", mappers::gpu::kLibraryMapper,
                                 options.mapper));
  if (options.fidelity == Fidelity::cycle)
    throw UsageError("not supported yet: --fidelity cycle for the gpu family in `simulate` (see arch/gpu/sc/)");
  const GpuSpec spec = make_spec(cfg);
  const bool whole_graph = graph.size() > 1;
  const LaunchMode mode = whole_graph ? LaunchMode::graph : LaunchMode::isolated;
  const auto mappings = mappers::gpu::map_graph(graph, spec, whole_graph && spec.fuse_epilogues);
  RunResult result;
  result.mapper = mappers::gpu::kLibraryMapper;
  for (size_t i = 0; i < graph.size(); ++i) {
    const workloads::Op& op = graph.ops()[i];
    std::vector<KernelTiming> timings;
    nlohmann::json mapping = mappings[i].to_json();
    for (size_t j = 0; j < mappings[i].kernels.size(); ++j) {
      timings.push_back(time_kernel(spec, mappings[i].kernels[j], mode));
      auto& kj = mapping["kernels"][j];
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
