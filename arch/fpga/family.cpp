#include "arch/fpga/family.hpp"

#include <fmt/format.h>

#include "arch/fpga/overlay_result.hpp"
#include "arch/fpga/spec.hpp"
#include "arch/fpga/streaming_result.hpp"
#include "common/error.hpp"

namespace orrery::arch::fpga {

FpgaFamily::FpgaFamily() : schema_(make_schema()) {}

std::string_view FpgaFamily::doc() const {
  return "FPGA fabric: DPU-style overlay (pp x icp x ocp int8 MAC cores from DDR) or fpgaConvNet/FINN-style "
         "streaming pipeline (folding under the resource budget); resources, fits, throughput, power";
}

// "auto" picks the engine's own mapper; the others name it and must match the config's engine.
std::vector<std::string> FpgaFamily::mappers() const { return {"auto", "dpu_tiling", "greedy_folding"}; }

void FpgaFamily::check(const config::Resolved& cfg) const { fpga::check(cfg); }

RunResult FpgaFamily::simulate(const config::Resolved& cfg, const workloads::Graph& graph,
                               const RunOptions& options) const {
  const FpgaSpec spec = make_spec(cfg);
  const std::string mapper = options.mapper.empty() ? "auto" : options.mapper;
  const std::string own = spec.engine == Engine::overlay ? "dpu_tiling" : "greedy_folding";
  if (mapper != "auto" && mapper != own) {
    if (mapper == "dpu_tiling" || mapper == "greedy_folding")
      throw UsageError(fmt::format("--mapper {}: the {} engine of {} uses mapper {}", mapper, to_string(spec.engine),
                                   cfg.file(), own));
    throw UsageError(fmt::format("--mapper: expected one of auto|dpu_tiling|greedy_folding, got '{}'", mapper));
  }
  RunResult r = spec.engine == Engine::overlay ? simulate_overlay(spec, graph, options)
                                               : simulate_streaming(spec, graph, options);
  r.mapper = own;
  return r;
}

}  // namespace orrery::arch::fpga
