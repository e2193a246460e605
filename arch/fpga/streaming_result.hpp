#pragma once
// Times a streaming design (either fidelity) and fills the RunResult: one layer per
// op (fused ops report zero cycles and name their stage), pipelined throughput, resources per
// stage and in total (fits, overflow) and power.
#include "arch/family.hpp"
#include "arch/fpga/spec.hpp"
#include "arch/fpga/streaming_mappings.hpp"

namespace orrery::arch::fpga {

RunResult evaluate_streaming(const FpgaSpec& spec, const workloads::Graph& graph,
                             const StreamingMappings& mappings, const EvalOptions& options);

}  // namespace orrery::arch::fpga
