#pragma once
// One training step built from a forward graph: the forward as autocast runs it (casts
// included), the loss, the backward (gradient ops of every op, gradient accumulation, the
// recomputed forward where activations are checkpointed) and the optimizer update, as one
// Graph in run order, with the phase and the forward layer of every op, and the step's memory
// per device. This is the training-step API the rest of orrery builds on (sim/train_report
// times it; the parallel model splits its layers): see README.md in this folder.
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/graph.hpp"
#include "workloads/training/phase.hpp"
#include "workloads/training/train_options.hpp"

namespace orrery::workloads::training {

// Bytes per device over the step (what torch.cuda.max_memory_allocated would see).
struct Memory {
  int64_t weights = 0;      // the model's parameters (fp32; 16-bit under --precision half)
  int64_t gradients = 0;    // their .grad (the parameters' dtype), all live at the optimizer step
  int64_t optimizer = 0;    // optimizer state (momentum, exp_avg, exp_avg_sq; fp32 master weights)
  int64_t activations = 0;  // saved for the backward, at the end of the forward (its largest)
  int64_t workspace = 0;    // library workspace + the optimizer's temporaries
  int64_t peak = 0;         // the allocator's peak over the step timeline
};

// A layer of the forward graph (an op of the autocast forward, casts included, and the loss).
struct Layer {
  std::string name;
  int64_t params = 0;       // parameter elements it owns (a tied weight counts where first used)
  int64_t saved_bytes = 0;  // activations it keeps for the backward (shared tensors counted once)
  std::string block;        // the checkpoint block (--recompute full), empty if none
};

struct TrainingStep {
  Graph graph;                // every op of the step, in run order
  std::vector<Phase> phase;   // per op of `graph`
  std::vector<int> layer;     // per op of `graph`: index into `layers`; -1: optimizer, shared grads
  std::vector<Layer> layers;  // the forward's ops
  int64_t params = 0;         // trainable parameter elements (tied weights once)
  // Bytes of one parameter and of its gradient as the model holds them (what data parallelism
  // reduces and ZeRO-3 gathers): 4 (fp32 weights: fp32 and autocast), 2 (--precision half).
  int64_t param_bytes = 4;
  Memory memory;
  std::vector<std::string> notes;  // assumptions worth reading next to the numbers
};

// Throws WorkloadError for graphs it cannot train (a generic loop nest, a graph that already
// has a loss or an optimizer, a graph with no output to put a loss on).
TrainingStep build_training_step(const Graph& forward, const TrainOptions& options);

}  // namespace orrery::workloads::training
