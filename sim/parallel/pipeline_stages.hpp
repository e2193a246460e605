#pragma once
// Pipeline stages: the op sequence cut into P contiguous stages so that the slowest stage is as
// fast as possible (each op weighted by its time on one device), cutting only at layer
// boundaries (the cuts with the fewest live tensors: the residual stream between transformer
// blocks), and the activations each cut sends to the next stage (every tensor produced before
// the cut and read after it).
#include <cstdint>
#include <vector>

#include "workloads/graph.hpp"

namespace orrery::sim::parallel {

struct StageSpan {
  size_t first_op = 0, end_op = 0;  // [first_op, end_op)
  double seconds = 0;               // the ops' weights summed
  double send_bytes = 0;            // activations sent to the next stage per microbatch (0 for the last)
};

// Throws WorkloadError when the graph has fewer ops than stages.
std::vector<StageSpan> partition_stages(const workloads::Graph& g, const std::vector<double>& op_seconds,
                                        int64_t stages);

// Bytes of the tensors produced by ops before `cut` and read by ops at or after it.
double cut_bytes(const workloads::Graph& g, size_t cut);

// A parameter one stage owns (an op's weight) and another stage's op also reads (GPT-2's tied
// LM head reads the token embedding): Megatron keeps a copy on the reading stage and all-reduces
// the two copies' gradients every step. `chunks` are the model's chunks, chunk k on stage k mod pp
// (interleaved pipelines; one chunk per stage otherwise).
struct StageTie {
  int64_t owner = 0, user = 0;  // stages
  int64_t numel = 0;            // elements on one device (a tensor-parallel shard)
};
std::vector<StageTie> stage_ties(const workloads::Graph& g, const std::vector<StageSpan>& chunks, int64_t pp);
// Elements of the tied copies stage `stage` holds.
int64_t tied_copy_numel(const std::vector<StageTie>& ties, int64_t stage);

}  // namespace orrery::sim::parallel
