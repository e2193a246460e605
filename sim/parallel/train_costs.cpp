#include "sim/parallel/train_costs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace orrery::sim::parallel {

using workloads::training::Memory;
using workloads::training::Phase;
using workloads::training::TrainingStep;

namespace {

int64_t scaled(int64_t bytes, double share) {
  return static_cast<int64_t>(std::llround(static_cast<double>(bytes) * share));
}

}  // namespace

std::vector<size_t> layer_ops(const TrainingStep& step, const workloads::Graph& forward) {
  const auto& ops = forward.ops();
  if (ops.empty()) throw SimulationError("training step: the forward graph has no ops");
  // Layers are the autocast forward in order: an op's casts come right before it, the loss (and
  // its cast, GradScaler's scaling) after the last op.
  std::vector<size_t> out(step.layers.size(), ops.size() - 1);
  std::vector<size_t> pending;
  size_t next = 0;
  for (size_t l = 0; l < step.layers.size(); ++l) {
    if (next < ops.size() && step.layers[l].name == ops[next].name) {
      for (size_t p : pending) out[p] = next;
      pending.clear();
      out[l] = next++;
    } else {
      pending.push_back(l);
    }
  }
  if (next != ops.size())
    throw SimulationError(
        fmt::format("training step: forward op '{}' has no layer in the step", ops[next].name));
  return out;
}

TrainCosts train_costs(const TrainingStep& step, const workloads::Graph& forward,
                       const arch::RunResult& run) {
  const auto& sops = step.graph.ops();
  if (run.layers.size() != sops.size())
    throw SimulationError(
        fmt::format("training step: {} layers timed for {} ops", run.layers.size(), sops.size()));
  const std::vector<size_t> op_of = layer_ops(step, forward);
  const size_t n = forward.size();
  TrainCosts tc;
  StepCosts& c = tc.costs;
  c.forward_s.assign(n, 0.0);
  c.backward_s.assign(n, 0.0);
  c.grad_bytes.assign(n, 0.0);
  c.weight_bytes.assign(n, 0.0);
  tc.params.assign(n, 0);
  tc.saved_bytes.assign(n, 0);
  for (size_t l = 0; l < step.layers.size(); ++l) {
    tc.params[op_of[l]] += step.layers[l].params;
    tc.saved_bytes[op_of[l]] += step.layers[l].saved_bytes;
  }
  for (size_t i = 0; i < n; ++i) {
    c.grad_bytes[i] = static_cast<double>(step.param_bytes * tc.params[i]);
    c.weight_bytes[i] = static_cast<double>(step.param_bytes * tc.params[i]);
  }
  // Gradient ops with no layer (the sum of a tensor's several gradients) run next to the
  // gradient op emitted before them.
  size_t last_backward = n - 1;
  for (size_t i = 0; i < sops.size(); ++i) {
    const double t = run.layers[i].stats.seconds;
    const int layer = step.layer[i];
    const Phase phase = step.phase[i];
    if (phase == Phase::optimizer) {
      c.optimizer_s += t;
      continue;
    }
    const size_t op = layer >= 0 ? op_of[static_cast<size_t>(layer)] : last_backward;
    if (phase == Phase::forward) {
      c.forward_s[op] += t;
    } else {
      c.backward_s[op] += t;
      last_backward = op;
    }
  }
  return tc;
}

std::vector<Memory> stage_memory(const Memory& whole, const TrainCosts& tc,
                                 const std::vector<StageSpan>& chunks, const Strategy& s) {
  const int64_t p = s.pp, v = s.virtual_stages, m = s.microbatches;
  const double dp = static_cast<double>(s.dp);
  int64_t all_params = 0, all_saved = 0;
  for (size_t i = 0; i < tc.params.size(); ++i) {
    all_params += tc.params[i];
    all_saved += tc.saved_bytes[i];
  }
  const Zero3Units units = zero3_units(tc.costs, chunks);
  std::vector<Memory> out;
  for (int64_t st = 0; st < p; ++st) {
    int64_t params = 0, saved = 0;
    double widest = 0;  // ZeRO-3: the stage's largest unit of weights
    for (size_t ch = static_cast<size_t>(st); ch < chunks.size(); ch += static_cast<size_t>(p))
      for (size_t i = chunks[ch].first_op; i < chunks[ch].end_op; ++i) {
        params += tc.params[i];
        saved += tc.saved_bytes[i];
        widest = std::max(widest, units.weight_bytes[static_cast<size_t>(units.unit_of[i])]);
      }
    params += tied_copy_numel(tc.costs.ties, st);  // the tied copies: weights, gradients, optimizer state
    const double share = all_params > 0 ? static_cast<double>(params) / static_cast<double>(all_params)
                                        : 1.0 / static_cast<double>(p);
    // Activations of the microbatches in flight at the stage's peak, one forward after its
    // warm-up: chunk microbatches, each a 1/V of the stage's activations (the average chunk).
    Memory mem;
    const int64_t chunks_in_flight = std::min(warmup_forwards(s, st) + 1, m * v);
    mem.activations = saved * chunks_in_flight / v;
    mem.weights = scaled(whole.weights, share);
    if (s.zero == 3 && s.dp > 1) {
      // The local shard, plus the gathered weights of two units (the one computing, the next).
      const double gathered = std::min(2 * widest, static_cast<double>(mem.weights));
      mem.weights = scaled(whole.weights, share / dp) + static_cast<int64_t>(gathered);
    }
    // ZeRO-3 as FSDP runs it: over several microbatches no_sync accumulates the unsharded
    // gradients until the last backward reduce-scatters them; with one, each unit's are
    // reduce-scattered as they come and only the shard stays.
    const bool no_sync = s.zero == 3 && m > 1;
    mem.gradients = scaled(whole.gradients, share / (s.zero >= 2 && !no_sync ? dp : 1.0));
    if (s.dp > 1 && s.zero == 0) mem.gradients += scaled(whole.gradients, share);  // DDP's buckets
    mem.optimizer = scaled(whole.optimizer, share / (s.zero >= 1 ? dp : 1.0));
    mem.workspace = whole.workspace;
    mem.peak = whole.peak + (mem.weights - whole.weights) + (mem.gradients - whole.gradients) +
               (mem.optimizer - whole.optimizer) + (mem.activations - all_saved);
    out.push_back(mem);
  }
  return out;
}

}  // namespace orrery::sim::parallel
