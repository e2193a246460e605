#include "sim/parallel/tensor_parallel.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

#include "common/error.hpp"
#include "workloads/passes/remake_op.hpp"

namespace orrery::sim::parallel {

using arch::interconnect::CollectiveKind;
using namespace workloads;

namespace {

enum class State { replicated, feature, tokens };

struct Sharder {
  int64_t tp;
  bool sp;
  std::map<std::string, State> state;  // by tensor name
  std::set<std::string> produced;      // tensors some op writes (others are graph inputs)
  std::set<std::string> gathered;      // S tensors already all-gathered for a column linear
  std::set<std::string> f_placed;      // R tensors whose backward all-reduce is placed
  std::string word_embedding;          // name of the largest embedding op
  std::vector<TpComm> comms;

  State replicated_region() const { return sp ? State::tokens : State::replicated; }
  State of(const Tensor& t) const {
    auto it = state.find(t.name);
    return it == state.end() ? State::replicated : it->second;
  }

  int64_t div(const Op& op, const char* what, int64_t v) const {
    if (v % tp != 0)
      throw WorkloadError(fmt::format("--parallel tp={}: op '{}' ({}): {} = {} is not divisible by {}", tp,
                                      op.name, op.describe(), what, v, tp));
    return v / tp;
  }
  int64_t ceil_div(int64_t v) const { return (v + tp - 1) / tp; }
  [[noreturn]] void unsupported(const Op& op, const char* why) const {
    throw WorkloadError(fmt::format("not supported yet: tensor parallelism (tp={}) through op '{}' ({}): {}",
                                    tp, op.name, op.kind_name(), why));
  }

  // A column-split consumer of input 0: all-gather an S input (once per tensor), mark where the
  // backward reduces the input's gradient (once per tensor).
  void column_input(size_t index, const Op& op) {
    const Tensor& in = op.inputs.at(0);
    const State s = of(in);
    if (s == State::tokens) {
      if (gathered.insert(in.name).second)
        comms.push_back({index, true, CollectiveKind::all_gather, CollectiveKind::reduce_scatter,
                         static_cast<double>(in.bytes()), in.name});
    } else if (f_placed.insert(in.name).second) {
      comms.push_back(
          {index, true, std::nullopt, CollectiveKind::all_reduce, static_cast<double>(in.bytes()), in.name});
    }
  }
  // Partial sums of `op`'s output reduced over the ranks ("g").
  void reduce_output(size_t index, const Op& op) {
    const Tensor& out = op.outputs.at(0);
    if (sp)
      comms.push_back({index, false, CollectiveKind::reduce_scatter, CollectiveKind::all_gather,
                       static_cast<double>(out.bytes()), out.name});
    else
      comms.push_back({index, false, CollectiveKind::all_reduce, std::nullopt,
                       static_cast<double>(out.bytes()), out.name});
  }

  // Returns the sharded params and the output state.
  struct Visit {
    Sharder& s;
    size_t index;
    const Op& op;
    std::vector<State> in;
    bool any(State x) const {
      for (State v : in)
        if (v == x) return true;
      return false;
    }

    std::pair<OpParams, State> operator()(GemmParams p) {
      const bool weight_like =
          p.b_is_weight || (op.inputs.size() > 1 && !s.produced.count(op.inputs[1].name));
      if (weight_like && in.at(0) == State::feature) {
        p.k = s.div(op, "k", p.k);
        s.reduce_output(index, op);
        return {p, s.replicated_region()};
      }
      if (weight_like) {
        s.column_input(index, op);
        // A tied LM head's n is the vocabulary: padded up like the embedding's.
        p.n = p.b_is_weight ? s.div(op, "n", p.n) : s.ceil_div(p.n);
        return {p, State::feature};
      }
      if (any(State::feature)) {
        p.batch = s.div(op, "batch (heads)", p.batch);
        return {p, State::feature};
      }
      if (any(State::tokens)) s.unsupported(op, "a matmul of two sequence-split activations");
      return {p, State::replicated};
    }
    std::pair<OpParams, State> operator()(AttentionParams p) {
      if (in.at(0) == State::feature) {
        p.heads = s.div(op, "heads", p.heads);
        if (p.kv_heads % s.tp == 0)
          p.kv_heads /= s.tp;
        else if (s.tp % p.kv_heads == 0)
          p.kv_heads = 1;  // fewer KV heads than ranks: each rank keeps one (replicated)
        else
          s.div(op, "kv_heads", p.kv_heads);
        return {p, State::feature};
      }
      if (any(State::tokens)) s.unsupported(op, "attention on a sequence-split input");
      return {p, State::replicated};
    }
    std::pair<OpParams, State> operator()(ElementwiseParams p) {
      if (any(State::feature) || any(State::tokens)) {
        const State out = any(State::feature) ? State::feature : State::tokens;
        p.numel = s.div(op, "numel", p.numel);
        if (out == State::feature && p.weight_numel % s.tp == 0) p.weight_numel /= s.tp;
        return {p, out};
      }
      return {p, State::replicated};
    }
    std::pair<OpParams, State> operator()(NormParams p) {
      if (any(State::feature)) s.unsupported(op, "a norm over a tensor-parallel split feature dimension");
      if (any(State::tokens)) {
        p.rows = s.div(op, "rows", p.rows);
        return {p, State::tokens};
      }
      return {p, State::replicated};
    }
    std::pair<OpParams, State> operator()(SoftmaxParams p) {
      if (any(State::feature) || any(State::tokens)) {
        p.rows = s.div(op, "rows", p.rows);
        return {p, any(State::feature) ? State::feature : State::tokens};
      }
      return {p, State::replicated};
    }
    std::pair<OpParams, State> operator()(EmbeddingParams p) {
      if (op.name != s.word_embedding) return {p, State::replicated};
      p.vocab = s.ceil_div(p.vocab);
      s.reduce_output(index, op);
      return {p, s.replicated_region()};
    }
    std::pair<OpParams, State> operator()(ReduceParams p) {
      if (any(State::feature) || any(State::tokens)) {
        p.in_numel = s.div(op, "in_numel", p.in_numel);
        if (p.out_numel % s.tp == 0) p.out_numel /= s.tp;
        return {p, any(State::feature) ? State::feature : State::tokens};
      }
      return {p, State::replicated};
    }
    std::pair<OpParams, State> operator()(DataMovementParams p) {
      if (any(State::feature) || any(State::tokens)) {
        for (auto& n : p.in_numels) n = s.ceil_div(n);
        p.out_numel = s.ceil_div(p.out_numel);
        return {p, any(State::feature) ? State::feature : State::tokens};
      }
      return {p, State::replicated};
    }
    template <class P>
    std::pair<OpParams, State> replicated_only(P p) {
      if (any(State::feature) || any(State::tokens)) s.unsupported(op, "its input is split over the ranks");
      return {p, State::replicated};
    }
    // Megatron's vocab-parallel cross-entropy: each rank holds classes/T logits per row and
    // all-reduces three numbers per row (max, sum of exponentials, the target's logit), fp32.
    std::pair<OpParams, State> operator()(CrossEntropyParams p) {
      if (!any(State::feature)) return replicated_only(p);
      p.classes = s.ceil_div(p.classes);
      s.comms.push_back({index, false, CollectiveKind::all_reduce, std::nullopt,
                         3.0 * 4.0 * static_cast<double>(p.rows), op.outputs.at(0).name});
      return {p, State::replicated};
    }
    // The optimizer updates whatever parameters its graph gives it (a sharded graph's own).
    std::pair<OpParams, State> operator()(OptimizerParams p) { return replicated_only(p); }
    std::pair<OpParams, State> operator()(ConvParams p) { return replicated_only(p); }
    std::pair<OpParams, State> operator()(PoolParams p) { return replicated_only(p); }
    std::pair<OpParams, State> operator()(SpmmParams p) { return replicated_only(p); }
    std::pair<OpParams, State> operator()(LoopNestOpParams p) { return replicated_only(p); }
  };
};

}  // namespace

TpGraph shard_tensor_parallel(const Graph& g, int64_t tp, bool sequence_parallel) {
  TpGraph out{g, {}};
  if (tp == 1) return out;
  Sharder s{tp, sequence_parallel, {}, {}, {}, {}, {}, {}};
  int64_t largest = 0;
  for (const Op& op : g.ops()) {
    for (const Tensor& t : op.outputs) s.produced.insert(t.name);
    if (const auto* e = op.get<EmbeddingParams>(); e && e->vocab * e->dim > largest) {
      largest = e->vocab * e->dim;
      s.word_embedding = op.name;
    }
  }
  auto& ops = out.graph.mutable_ops();
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = g.ops()[i];
    // The rules above are those of forward ops; a training step is built on the sharded forward.
    if (is_training_op(op))
      throw WorkloadError(
          fmt::format("not supported yet: tensor parallelism of a graph that holds training op '{}' "
                      "(shard the forward graph, then build its backward)",
                      op.name));
    Sharder::Visit v{s, i, op, {}};
    for (const Tensor& t : op.inputs) v.in.push_back(s.of(t));
    auto [params, state] = std::visit(v, op.params);
    ops[i] = passes::remake_op(op, std::move(params));
    for (const Tensor& t : op.outputs) s.state[t.name] = state;
  }
  out.comms = std::move(s.comms);
  return out;
}

}  // namespace orrery::sim::parallel
