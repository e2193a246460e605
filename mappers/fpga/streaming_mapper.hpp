#pragma once
// The streaming mapper: builds one pipeline stage per layer and chooses each stage's folding
// greedily: start fully folded (one multiplier per stage), then repeatedly unfold the
// bottleneck stage by one step (the next divisor of coarse_in, coarse_out or fine, whichever
// buys the most cycles per unit of the scarcest resource) while the design stays within
// max_utilization of every device resource. Stops when the bottleneck cannot unfold further,
// no step fits, or the DMA (off-chip bandwidth) is the bottleneck. A design whose fully folded
// form already exceeds the device is returned fully folded with fits = false and its overflow
// per resource; one that fits the device but not the headroom unfolds without growing the
// resources already past max_utilization. Weights always live on chip (BRAM, URAM, LUTRAM).
#include "arch/fpga/spec.hpp"
#include "mappers/fpga/streaming_mapping.hpp"
#include "workloads/graph.hpp"

namespace orrery::mappers::fpga {

// Throws WorkloadError for an op the streaming engine cannot run.
StreamingMapping map_streaming(const workloads::Graph& graph, const arch::fpga::FpgaSpec& spec,
                               int64_t batch);

// The pipeline before any choice: one stage per layer (fused ops attached), fully folded, weights
// in BRAM, DMA stages, the device and the budget, and the resources used.
StreamingMapping build_pipeline(const workloads::Graph& graph, const arch::fpga::FpgaSpec& spec,
                                int64_t batch);

// Sets one stage's folding and weight store (as read back from a saved mapping) and updates its
// cost, the resources used and `fits`. Throws MappingError for a factor outside the stage's range.
void apply_stage_choice(StreamingMapping& m, size_t stage, const arch::fpga::Folding& folding,
                        arch::fpga::WeightStore store, const arch::fpga::StreamingSpec& st);

}  // namespace orrery::mappers::fpga
