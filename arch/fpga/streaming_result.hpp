#pragma once
// Runs a graph on a streaming pipeline (either fidelity) and fills the RunResult: one layer per
// op (fused ops report zero cycles and name their stage), pipelined throughput, resources per
// stage and in total (fits, overflow) and power.
#include "arch/family.hpp"
#include "arch/fpga/spec.hpp"

namespace orrery::arch::fpga {

RunResult simulate_streaming(const FpgaSpec& spec, const workloads::Graph& graph, const RunOptions& options);

}  // namespace orrery::arch::fpga
