#pragma once
// One step of a parallel run as a program of tasks (arch/interconnect/program.hpp): every
// device's compute (per microbatch and stage, cut where tensor-parallel collectives sit), the
// tensor-parallel collectives (stream 0: they block compute), pipeline send/recv of activations
// (streams 2 and 3: forward and backward direction), and for training the data-parallel gradient
// buckets (stream 1: overlapped with the backward, as DDP does) and the optimizer. With ZeRO-3
// each unit's weights are all-gathered (stream 4) before its forward and again before its
// backward, at most one unit ahead of the compute, and its gradients reduce-scattered after
// the last microbatch's backward; the optimizer updates the local shard only.
//
// Pipeline schedules: GPipe (all forwards, then all backwards) and 1F1B (stage s runs
// min(P-1-s, M) warm-up forwards, then alternates one forward and one backward, then drains);
// forward-only runs push the M microbatches through the stages in order. Interleaved 1F1B
// (Megatron-LM's virtual stages, Narayanan et al. SC'21 section 2.2.2): `stages` holds P x V model
// chunks, chunk k on stage k mod P; each stage runs its V chunks a group of P microbatches at a
// time, (P-1-s) x 2 + (V-1) x P warm-up chunk forwards, then one forward one backward, then drains,
// so the bubble shrinks to (P-1)/(V M) at V times the pipeline sends.
#include <cstdint>
#include <string>
#include <vector>

#include "arch/interconnect/program.hpp"
#include "sim/parallel/pipeline_stages.hpp"
#include "sim/parallel/strategy.hpp"
#include "sim/parallel/tensor_parallel.hpp"

namespace orrery::sim::parallel {

// What one device's work costs, per op of the tensor-parallel graph and one microbatch.
struct StepCosts {
  std::vector<double> forward_s;
  std::vector<double> backward_s;    // empty: forward only (inference)
  std::vector<double> grad_bytes;    // per op: gradient bytes one device reduces over data parallel
  std::vector<double> weight_bytes;  // per op: weight bytes one device holds (ZeRO-3 gathers them)
  double optimizer_s = 0;            // the optimizer step over all ops' weights on one device (before
                                     // pipeline stages and ZeRO split it; stages take their weights' share)
  double bucket_bytes = 25.0 * 1024 * 1024;  // DDP's bucket_cap_mb = 25
  // Training: weights shared across stages (stage_ties): the reading stage keeps a copy, and the
  // two copies' fp32 gradients are all-reduced after the backward, before the optimizer.
  std::vector<StageTie> ties;
};

struct StepProgram {
  arch::interconnect::Program program;
  // Per task: pipeline stage of its (receiving) device, microbatch (-1: none) and phase ('F', 'B',
  // 'O' optimizer, 'D' data-parallel, 'P' pipeline send of activations, 'Q' of activation
  // gradients, 'T' the tied weights' gradient all-reduce).
  struct Tag {
    int64_t stage = 0, microbatch = -1;
    char phase = 'F';
  };
  std::vector<Tag> tags;
};

// ZeRO-3 (FSDP-style) units: each stage's ops in order, a unit closing once its weights reach
// `bucket_bytes` (ops without weights join the open unit). Per op: its unit (-1 where zero < 3).
struct Zero3Units {
  std::vector<int> unit_of;          // per op
  std::vector<double> weight_bytes;  // per unit: the weights gathered before its forward and backward
  std::vector<double> grad_bytes;    // per unit: gradients reduce-scattered after its backward
};
Zero3Units zero3_units(const StepCosts& costs, const std::vector<StageSpan>& stages);

// `stages`: the model's P x V chunks in order (s.pp x s.virtual_stages of them). `ranks`: the
// data-parallel replicas and tensor-parallel ranks given compute, pipeline and data-parallel
// tasks (the first ones of each); tensor-parallel collectives span the whole TP group and data-
// parallel ones the whole DP group either way, waiting for the simulated ranks only. Where each
// device has links of its own (a switched fabric), the others are identical to them and meet them
// only in those collectives, so the simulated ranks time the step as all of them do.
struct SimulatedRanks {
  int64_t replicas = 1, tp_ranks = 1;
};
StepProgram build_step_program(const Strategy& s, const StepCosts& costs, const std::vector<TpComm>& comms,
                               const std::vector<StageSpan>& stages, SimulatedRanks ranks);

// Per stage, the order its devices run (phase 'F' or 'B', model chunk, microbatch).
struct ScheduledItem {
  char phase = 'F';
  int64_t chunk = 0, microbatch = 0;
};
std::vector<std::vector<ScheduledItem>> pipeline_order(const Strategy& s, bool training);

// Model-chunk forwards stage `stage` runs before its first backward in a training step (the
// schedule's warm-up; its activations peak one forward later): GPipe all M, 1F1B min(P-1-s, M),
// interleaved min((P-1-s) 2 + (V-1) P, M V), all M V when M = P.
int64_t warmup_forwards(const Strategy& s, int64_t stage);

}  // namespace orrery::sim::parallel
