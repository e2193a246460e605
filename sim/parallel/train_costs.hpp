#pragma once
// A training step of the tensor-parallel graph, timed on one device for one microbatch, folded
// back onto the forward graph's ops. The step program places pipeline cuts, tensor-parallel
// collectives and DDP gradient buckets by forward op, so each forward op takes the time of the
// step ops that belong to it: its own forward, the autocast casts made for it, and the gradient
// ops (and recomputed forward) of all of those; the loss and its casts belong to the last op.
// The memory of each pipeline stage's devices follows from the same split (see stage_memory).
#include <cstdint>
#include <vector>

#include "arch/family.hpp"
#include "sim/parallel/pipeline_stages.hpp"
#include "sim/parallel/step_program.hpp"
#include "sim/parallel/strategy.hpp"
#include "workloads/graph.hpp"
#include "workloads/training/training_step.hpp"

namespace orrery::sim::parallel {

struct TrainCosts {
  StepCosts costs;                   // forward_s, backward_s, grad_bytes, weight_bytes, optimizer_s
  std::vector<int64_t> params;       // per forward op: parameter elements it owns (tied weights once)
  std::vector<int64_t> saved_bytes;  // per forward op: activations kept for the backward
};

// Per layer of `step`: the index of the forward op it belongs to. Throws SimulationError when a
// forward op has no layer of its name (the step was not built from `forward`).
std::vector<size_t> layer_ops(const workloads::training::TrainingStep& step, const workloads::Graph& forward);

// `run` times `step.graph` (one layer result per op, in order). Gradients are reduced and master
// weights kept in fp32 (4 bytes a parameter), as PyTorch's DDP and autocast keep them.
TrainCosts train_costs(const workloads::training::TrainingStep& step, const workloads::Graph& forward,
                       const arch::RunResult& run);

// The memory of one device of each pipeline stage, from the one-device step's memory `whole`
// (all ops, one microbatch): weights, gradients and optimizer state in the stage's share of the
// parameters, divided over the data-parallel ranks as ZeRO shards them (1: optimizer state,
// 2: and gradients, 3: and weights, with two units' gathered weights live; over several microbatches
// ZeRO-3 keeps the unsharded gradients, as FSDP's no_sync does), plus DDP's bucket copy of the
// gradients (gradient_as_bucket_view=False, PyTorch's default) when data parallel runs without ZeRO;
// activations of the microbatches in flight (GPipe: all M; 1F1B: min(P - stage, M)). The peak moves with
// these parts from the one-device peak.
std::vector<workloads::training::Memory> stage_memory(const workloads::training::Memory& whole,
                                                      const TrainCosts& tc,
                                                      const std::vector<StageSpan>& stages,
                                                      const Strategy& s);

}  // namespace orrery::sim::parallel
