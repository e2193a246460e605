#pragma once
// Runs a graph on a DPU-style overlay (either fidelity) and fills the RunResult: per-layer
// stats, multi-core throughput, resources (the cores' fixed footprint) and power.
#include "arch/family.hpp"
#include "arch/fpga/spec.hpp"

namespace orrery::arch::fpga {

RunResult simulate_overlay(const FpgaSpec& spec, const workloads::Graph& graph, const RunOptions& options);

}  // namespace orrery::arch::fpga
