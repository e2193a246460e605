#pragma once
// Times a mapped graph on a DPU-style overlay (either fidelity) and fills the RunResult: per-layer
// stats, multi-core throughput, resources (the cores' fixed footprint) and power.
#include "arch/family.hpp"
#include "arch/fpga/spec.hpp"
#include "mappers/fpga/overlay_mapping.hpp"

namespace orrery::arch::fpga {

RunResult evaluate_overlay(const FpgaSpec& spec, const workloads::Graph& graph,
                           const std::vector<mappers::fpga::OverlayMapping>& maps,
                           const EvalOptions& options);

}  // namespace orrery::arch::fpga
