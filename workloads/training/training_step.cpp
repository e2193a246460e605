#include "workloads/training/training_step.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "common/checked_math.hpp"
#include "common/error.hpp"
#include "workloads/training/autocast.hpp"
#include "workloads/training/gradient_ops.hpp"
#include "workloads/training/saved_tensors.hpp"

namespace orrery::workloads::training {

std::string_view to_string(Phase p) {
  switch (p) {
    case Phase::forward:
      return "forward";
    case Phase::backward:
      return "backward";
    case Phase::recompute:
      return "recompute";
    case Phase::optimizer:
      return "optimizer";
  }
  return "?";
}

namespace {

constexpr int kNoLayer = -1;

// The checkpoint block of an op: its name up to the first all-digit component ("h.3" of
// "h.3.attn.c_attn", "layer2.1" of "layer2.1.conv1"): a transformer layer or a residual block,
// where torch.utils.checkpoint is put. Empty: the op is outside every block (stem, head).
std::string block_of(const std::string& name) {
  size_t start = 0;
  while (start < name.size()) {
    const size_t dot = name.find('.', start);
    const size_t end = dot == std::string::npos ? name.size() : dot;
    const bool digits = end > start && std::all_of(name.begin() + static_cast<std::ptrdiff_t>(start),
                                                   name.begin() + static_cast<std::ptrdiff_t>(end),
                                                   [](char c) { return c >= '0' && c <= '9'; });
    if (digits) return name.substr(0, end);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return "";
}

// The op again at another dtype, keeping the graph's tensor names.
Op remake(const Op& old, DType dt) {
  Op op = make_op(old.name, old.params, dt);
  auto keep = [](std::vector<Tensor>& now, const std::vector<Tensor>& was) {
    for (size_t i = 0; i < now.size() && i < was.size(); ++i) now[i].name = was[i].name;
  };
  keep(op.inputs, old.inputs);
  keep(op.weights, old.weights);
  keep(op.outputs, old.outputs);
  op.weight_density = old.weight_density;
  return op;
}

Op cast_op(const std::string& name, const Tensor& from, DType to) {
  ElementwiseParams p;
  p.fn = "cast";
  p.numel = from.numel();
  Op op = make_op(name, p, to);
  op.inputs[0] = from;
  op.outputs[0].shape = from.shape;
  return op;
}

// Edge-wise buffers a graph aggregation materializes on top of its tensors, as PyG's
// MessagePassing does: forward, the gathered rows x_j (the features' dtype) and the messages
// (the op's) live together during the scaling; backward, the gathered dY and the scaled messages
// (both in the op's dtype). Zero for other ops.
int64_t edge_buffer_bytes(const Op& op, bool backward) {
  const auto* s = op.get<SpmmParams>();
  if (!s) return 0;
  const int64_t acc = dtype_bits(op.dtype) / 8;
  const int64_t feat = op.inputs.size() > 1 ? dtype_bits(op.inputs[1].dtype) / 8 : acc;
  return checked_mul(checked_mul(s->nnz, s->features, "spmm edge buffers"), backward ? 2 * acc : feat + acc,
                     "spmm edge buffers");
}

int64_t bytes_of(const std::vector<Tensor>& ts) {
  int64_t b = 0;
  for (const auto& t : ts) b = checked_add(b, t.bytes(), "training memory");
  return b;
}

class StepBuilder {
 public:
  StepBuilder(const Graph& forward, const TrainOptions& o) : o_(o), low_(training_dtype(o.dtype)) {
    const bool low_precision = low_ == DType::bf16 || low_ == DType::fp16;
    half_ = low_precision && o.precision == Precision::half;
    autocast_ = low_precision && !half_;
    if (half_) step_.param_bytes = dtype_bits(low_) / 8;
    for (const auto& op : forward.ops()) fwd_.push_back(&op);
    if (fwd_.empty()) throw WorkloadError(fmt::format("{}: --train: the graph has no ops", forward.name()));
    if (fwd_.back()->get<SoftmaxParams>()) {
      fwd_.pop_back();
      step_.notes.push_back("the trailing softmax is replaced by the loss (cross-entropy takes the logits)");
    }
    for (const Op* op : fwd_)
      for (const auto& w : op->weights) param_numel_.emplace(w.name, w.numel());
    step_.graph.set_name(forward.name() + " (train)");
  }

  TrainingStep build() {
    autocast_forward();
    add_loss();
    find_gradients();
    emit_forward();
    emit_backward();
    emit_optimizer();
    account_memory();
    return std::move(step_);
  }

 private:
  // --- the forward as autocast runs it -----------------------------------------------------
  DType op_dtype(const Op& op) const {
    if (half_) return low_;  // the whole model in 16-bit
    const AutocastClass cls = autocast_class(op);
    if (!autocast_) return cls == AutocastClass::lower ? low_ : DType::fp32;
    if (cls == AutocastClass::lower) return low_;
    if (cls == AutocastClass::fp32) return DType::fp32;
    // A graph aggregation's edge weights are graph data in fp32 (PyG's gcn_norm makes them in the
    // dtype of the layer's fp32 input): the messages and the sum promote to fp32, while the
    // gathered features keep their 16-bit dtype (input 1 keeps it: see autocast_forward).
    if (op.get<SpmmParams>()) return DType::fp32;
    bool any = false, wide = false;  // promote: the widest activation input
    for (const auto& t : op.inputs) {
      auto it = dtype_of_.find(t.name);
      if (it == dtype_of_.end() || param_numel_.count(t.name)) continue;
      any = true;
      wide |= it->second == DType::fp32;
    }
    return any && !wide ? low_ : DType::fp32;
  }

  void push_layer(Op op, std::vector<std::string> extra_consumes = {}) {
    for (const auto& t : op.outputs) {
      dtype_of_[t.name] = t.dtype;
      producer_[t.name] = static_cast<int>(a_.size());
    }
    a_.push_back(std::move(op));
    extra_.push_back(std::move(extra_consumes));
  }

  void autocast_forward() {
    for (const Op* f : fwd_) {
      Op base = *f;
      // A norm in a training step writes its statistics (batch norm computes them on the batch).
      if (auto* n = std::get_if<NormParams>(&base.params)) n->training = true;
      const AutocastClass cls = autocast_class(base);
      std::vector<std::string> consumes;
      if (autocast_ && cls != AutocastClass::promote) {
        const DType want = cls == AutocastClass::lower ? low_ : DType::fp32;
        for (size_t j = 0; j < base.inputs.size(); ++j) {
          Tensor& in = base.inputs[j];
          const bool param = param_numel_.count(in.name) != 0;
          auto it = dtype_of_.find(in.name);
          // Data from outside the graph (images, ids, masks) arrives in fp32: a matmul or conv
          // casts it, an fp32 op takes it as it is.
          if (!param && it == dtype_of_.end() && cls != AutocastClass::lower) continue;
          const DType src = param || it == dtype_of_.end() ? DType::fp32 : it->second;
          if (src == want) continue;
          const std::string cast_name =
              param ? in.name + ".autocast" : fmt::format("{}.autocast.in{}", base.name, j);
          const std::string cast_out = cast_name + ".out0";
          if (!producer_.count(cast_out))
            push_layer(cast_op(cast_name, Tensor{in.name, in.shape, src}, want));
          in.name = cast_out;
        }
        // The weights of a matmul/conv: autocast's cached 16-bit copy, cast once per forward.
        if (cls == AutocastClass::lower)
          for (const auto& w : base.weights) {
            const std::string cast_name = w.name + ".autocast";
            if (!producer_.count(cast_name + ".out0"))
              push_layer(cast_op(cast_name, Tensor{w.name, w.shape, DType::fp32}, low_));
            consumes.push_back(cast_name + ".out0");
          }
      }
      Op made = remake(base, op_dtype(base));
      if (made.get<SpmmParams>() && made.inputs.size() > 1) {  // the features as their producer stored them
        auto it = dtype_of_.find(made.inputs[1].name);
        if (it != dtype_of_.end()) made.inputs[1].dtype = it->second;
      }
      push_layer(std::move(made), std::move(consumes));
    }
  }

  void add_loss() {
    const Op& last = a_.back();
    Tensor logits = last.outputs[0];
    const int64_t numel = logits.numel();
    // The class axis: the last axis (the channels of a conv output); an elementwise op's flat
    // output (a bias add) takes the shape of the op that made its input.
    const Op* shaped = &last;
    while (shaped->outputs[0].shape.size() < 2 && !shaped->inputs.empty()) {
      auto pr = producer_.find(shaped->inputs[0].name);
      if (pr == producer_.end() || a_[static_cast<size_t>(pr->second)].outputs[0].numel() != numel) break;
      shaped = &a_[static_cast<size_t>(pr->second)];
    }
    const auto& shape = shaped->outputs[0].shape;
    const int64_t classes = shaped->get<ConvParams>() && shape.size() > 2 ? shape[1] : shape.back();
    if (classes <= 0 || numel % classes)
      throw WorkloadError(fmt::format("{}: --train: no class axis in the output {}", last.name, logits.name));
    if (logits.dtype != DType::fp32)  // cross_entropy is on autocast's fp32 list
      push_layer(cast_op("loss.autocast.in0", logits, DType::fp32));
    CrossEntropyParams ce{numel / classes, classes, false};
    Op loss = make_op("loss", ce, DType::fp32);
    loss.inputs[0].name = a_.back().outputs[0].name;
    push_layer(std::move(loss));
    root_ = static_cast<int>(a_.size()) - 1;
    if (low_ == DType::fp16) {  // GradScaler: the loss times the scale
      ElementwiseParams s;
      s.fn = "mul_scalar";
      s.numel = 1;
      Op scale = make_op("loss.grad_scale", s, DType::fp32);
      scale.inputs[0].name = a_[static_cast<size_t>(root_)].outputs[0].name;
      push_layer(std::move(scale));
    }
  }

  // --- which tensors carry gradients, who consumes them -----------------------------------
  std::vector<std::string> consumed(size_t i) const {
    std::vector<std::string> names;
    for (const auto& t : a_[i].inputs) names.push_back(t.name);
    for (const auto& n : extra_[i]) names.push_back(n);
    return names;
  }

  bool needs_grad(const std::string& name) const {
    if (param_numel_.count(name)) return true;
    auto it = needs_grad_.find(name);
    return it != needs_grad_.end() && it->second;
  }

  void find_gradients() {
    for (size_t i = 0; i < a_.size(); ++i) {
      bool r = !a_[i].weights.empty();
      for (const auto& n : consumed(i)) r |= needs_grad(n);
      r &= differentiable(a_[i]);
      for (const auto& t : a_[i].outputs) needs_grad_[t.name] = r;
    }
    contributes_.assign(a_.size(), false);
    contributes_[static_cast<size_t>(root_)] = true;
    for (int i = root_ - 1; i >= 0; --i) {
      const auto& out = a_[static_cast<size_t>(i)].outputs;
      if (out.empty() || !needs_grad(out[0].name)) continue;
      for (int j = i + 1; j <= root_ && !contributes_[static_cast<size_t>(i)]; ++j) {
        if (!contributes_[static_cast<size_t>(j)]) continue;
        for (const auto& n : consumed(static_cast<size_t>(j)))
          for (const auto& t : out)
            contributes_[static_cast<size_t>(i)] = contributes_[static_cast<size_t>(i)] || n == t.name;
      }
    }
    // How many gradients flow into each tensor (each consumer once; attention's q/k/v slots of
    // one projection come back as one concatenated gradient).
    for (int j = 0; j <= root_; ++j) {
      if (!contributes_[static_cast<size_t>(j)]) continue;
      std::vector<std::string> names = consumed(static_cast<size_t>(j));
      if (a_[static_cast<size_t>(j)].get<AttentionParams>()) {
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
      }
      for (const auto& n : names)
        if (needs_grad(n)) ++grad_count_[n];
    }
  }

  // --- emission ------------------------------------------------------------------------------
  void emit(Op op, Phase phase, int layer) {
    step_.graph.add(std::move(op));
    step_.phase.push_back(phase);
    step_.layer.push_back(layer);
  }

  void emit_forward() {
    for (size_t i = 0; i < a_.size(); ++i) {
      Layer l{a_[i].name, 0, 0, block_of(a_[i].name)};
      for (const auto& w : a_[i].weights)
        if (counted_params_.insert(w.name).second) {
          l.params += w.numel();
          param_tensors_.push_back(w.numel());
        }
      step_.params += l.params;
      step_.layers.push_back(std::move(l));
      emit(a_[i], Phase::forward, static_cast<int>(i));
    }
    if (o_.recompute == Recompute::full)
      step_.notes.push_back(
          "full recomputation: one checkpoint per block (the name prefix through its layer "
          "index), its forward run again before its backward");
  }

  void recompute_block(const std::string& block) {
    if (block.empty() || !recomputed_.insert(block).second) return;
    for (size_t k = 0; k < a_.size(); ++k)
      if (static_cast<int>(k) < root_ && block_of(a_[k].name) == block) {
        Op again = a_[k];
        again.name += ".recompute";
        emit(std::move(again), Phase::recompute, static_cast<int>(k));
      }
  }

  static bool selective_target(const Op& op) {
    const auto* a = op.get<AttentionParams>();
    return (a && (a->backend == AttentionBackend::math || a->padding_mask)) || op.get<SoftmaxParams>();
  }

  void emit_backward() {
    for (int i = root_; i >= 0; --i) {
      const size_t u = static_cast<size_t>(i);
      if (!contributes_[u]) continue;
      const Op& op = a_[u];
      if (o_.recompute == Recompute::full && i < root_) recompute_block(block_of(op.name));
      if (o_.recompute == Recompute::selective && selective_target(op)) {
        Op again = op;
        again.name += ".recompute";
        emit(std::move(again), Phase::recompute, i);
      }
      // Gradient accumulation: autograd adds the gradients a tensor receives from its consumers.
      for (const auto& t : op.outputs) {
        const int n = grad_count_.count(t.name) ? grad_count_.at(t.name) : 0;
        for (int k = 1; k < n; ++k) {
          ElementwiseParams add;
          add.fn = "add";
          add.numel = t.numel();
          emit(make_op(fmt::format("{}.grad_accumulate{}", t.name, k), add, t.dtype), Phase::backward, i);
        }
      }
      if (i == root_) {
        CrossEntropyParams ce = *op.get<CrossEntropyParams>();
        ce.backward = true;
        emit(make_op("loss.backward", ce, DType::fp32), Phase::backward, i);
        continue;
      }
      std::vector<bool> need;
      for (const auto& t : op.inputs) need.push_back(needs_grad(t.name));
      // Autograd's engine gives each input its gradient in that input's dtype (validate_outputs
      // casts it): a 16-bit activation that met an fp32 operand (type promotion: GPT-2's
      // residual stream and GELU) gets its gradient cast back, one more kernel per edge
      // (bfloat16_copy_kernel and direct_copy kernels in training_h100_kernels.csv's backwards).
      // The dtype each input's gradient arrives in: its last gradient op's output, else dY's (an
      // add passes it through).
      std::vector<std::optional<DType>> grad_dtype(op.inputs.size());
      for (size_t j = 0; j < need.size(); ++j)
        if (need[j] && !op.outputs.empty()) grad_dtype[j] = op.outputs[0].dtype;
      for (auto& g : gradient_ops(op, need, !op.weights.empty())) {
        if (g.input >= 0 && static_cast<size_t>(g.input) < grad_dtype.size() && !g.op.outputs.empty())
          grad_dtype[static_cast<size_t>(g.input)] = g.op.outputs[0].dtype;
        emit(std::move(g.op), Phase::backward, i);
      }
      for (size_t j = 0; j < grad_dtype.size(); ++j) {
        const Tensor& in = op.inputs[j];
        auto it = dtype_of_.find(in.name);
        if (!grad_dtype[j] || param_numel_.count(in.name) || it == dtype_of_.end() ||
            it->second == *grad_dtype[j])
          continue;
        emit(cast_op(fmt::format("{}.grad.to_input{}_dtype", op.name, j),
                     Tensor{in.name, in.shape, *grad_dtype[j]}, it->second),
             Phase::backward, i);
      }
      if (op.get<AttentionParams>()) {
        // q, k, v slices of one projection: their gradients concatenated into its gradient.
        std::map<std::string, std::vector<int64_t>> slots;
        for (const auto& t : op.inputs)
          if (needs_grad(t.name) && dtype_of_.count(t.name)) slots[t.name].push_back(t.numel());
        for (const auto& [name, sizes] : slots)
          if (sizes.size() > 1) {
            DataMovementParams cat;
            cat.kind = DataMovementParams::Kind::concat;
            cat.in_numels = sizes;
            cat.out_numel = a_[static_cast<size_t>(producer_.at(name))].outputs[0].numel();
            emit(make_op(op.name + ".grad.concat_qkv", cat, op.dtype), Phase::backward, i);
          }
      }
    }
    // A parameter used by several ops (GPT-2's tied embedding and LM head): its fp32 .grad
    // accumulates every use after the first.
    std::map<std::string, int> uses;
    for (size_t i = 0; i < a_.size(); ++i) {
      if (!contributes_[i]) continue;
      std::set<std::string> direct;
      for (const auto& w : a_[i].weights)
        if (!autocast_ || autocast_class(a_[i]) != AutocastClass::lower) direct.insert(w.name);
      for (const auto& t : a_[i].inputs)
        if (param_numel_.count(t.name)) direct.insert(t.name);
      for (const auto& n : direct) ++uses[n];
    }
    for (const auto& [name, n] : uses)
      for (int k = 1; k < n; ++k) {
        ElementwiseParams add;
        add.fn = "add";
        add.numel = param_numel_.at(name);
        emit(make_op(name + ".grad_accumulate", add, half_ ? low_ : DType::fp32), Phase::backward, kNoLayer);
      }
  }

  void emit_optimizer() {
    if (step_.params == 0) return;
    if (low_ == DType::fp16) {  // GradScaler.unscale_: _amp_foreach_non_finite_check_and_unscale_
      ElementwiseParams u;
      u.fn = "amp_unscale";
      u.numel = step_.params;
      emit(make_op("optimizer.unscale_grads", u, DType::fp32), Phase::optimizer, kNoLayer);
    }
    if (!o_.optimizer) return;
    // --precision half: the 16-bit grads are copied into fp32 for the update of the fp32 master
    // weights, which are then copied back into the 16-bit model.
    const std::vector<int64_t> all{step_.params};
    if (half_)
      emit(cast_op("optimizer.grads_to_fp32", Tensor{"optimizer.grads", all, low_}, DType::fp32),
           Phase::optimizer, kNoLayer);
    OptimizerParams p;
    p.algo = *o_.optimizer;
    p.params = step_.params;
    p.impl = o_.impl;
    p.tensor_numels = param_tensors_;  // model.parameters() order: first use in the forward
    emit(make_op("optimizer.step", p, DType::fp32), Phase::optimizer, kNoLayer);
    if (half_)
      emit(cast_op("optimizer.master_to_model", Tensor{"optimizer.master_weights", all, DType::fp32}, low_),
           Phase::optimizer, kNoLayer);
  }

  // --- memory ---------------------------------------------------------------------------------
  // Saved tensors per forward op under the recompute policy, and the checkpoints of --recompute full.
  std::vector<std::vector<Tensor>> saved_per_op() const {
    std::vector<std::vector<Tensor>> saved(a_.size());
    for (size_t i = 0; i < a_.size(); ++i) {
      if (!contributes_[i]) continue;
      saved[i] = saved_tensors(a_[i], o_.recompute == Recompute::selective);
      if (o_.recompute == Recompute::selective && a_[i].get<SoftmaxParams>()) saved[i].clear();
      // autocast: a matmul/conv keeps the 16-bit weight copy it used
      for (const auto& n : extra_[i]) {
        const Op& cast = a_[static_cast<size_t>(producer_.at(n))];
        saved[i].push_back(cast.outputs[0]);
      }
    }
    return saved;
  }

  void account_memory() {
    Memory& m = step_.memory;
    const int64_t p = step_.params;
    const int states =
        o_.optimizer ? OptimizerParams{*o_.optimizer, 1, DType::fp32, o_.impl}.state_tensors() : 0;
    m.weights = checked_mul(p, step_.param_bytes, "weights");
    m.gradients = checked_mul(p, step_.param_bytes, "gradients");
    // --precision half keeps fp32 master weights beside the optimizer's state.
    m.optimizer = checked_mul(p, 4 * (states + (half_ && o_.optimizer ? 1 : 0)), "optimizer state");
    int64_t temporaries = 0;  // foreach Adam's sqrt(exp_avg_sq) list, one fp32 value per parameter
    if (o_.optimizer && o_.impl == OptimizerImpl::foreach &&
        (*o_.optimizer == OptimizerAlgo::adam || *o_.optimizer == OptimizerAlgo::adamw))
      temporaries = checked_mul(p, 4, "optimizer temporaries");
    m.workspace = o_.workspace_bytes + temporaries;
    const int64_t fixed = m.weights + m.optimizer + o_.workspace_bytes;

    std::vector<std::vector<Tensor>> saved = saved_per_op();
    const bool full = o_.recompute == Recompute::full;
    // Forward: the saved tensors accumulate (a checkpointed block keeps only its inputs).
    std::map<std::string, int64_t> live;   // saved tensor -> bytes
    std::map<std::string, int> last_user;  // saved tensor -> the earliest forward op keeping it
    auto keep = [&](const Tensor& t, int i, std::map<std::string, int64_t>& into) {
      if (!into.count(t.name)) into[t.name] = t.bytes();
      auto it = last_user.find(t.name);
      if (it == last_user.end() || i < it->second) last_user[t.name] = i;
    };
    int64_t peak = 0, live_bytes = 0;
    auto total = [](const std::map<std::string, int64_t>& mm) {
      int64_t b = 0;
      for (const auto& [n, v] : mm) b += v;
      return b;
    };
    for (size_t i = 0; i < a_.size(); ++i) {
      const std::string block = full && static_cast<int>(i) < root_ ? block_of(a_[i].name) : "";
      const int64_t before = total(live);
      if (block.empty()) {
        for (const auto& t : saved[i]) keep(t, static_cast<int>(i), live);
      } else {
        for (const auto& t : a_[i].inputs) {         // the block's inputs from outside it: the checkpoint
          if (param_numel_.count(t.name)) continue;  // a parameter is weights, not a saved activation
          auto pr = producer_.find(t.name);
          const bool outside =
              pr == producer_.end() || block_of(a_[static_cast<size_t>(pr->second)].name) != block;
          // torch.utils.checkpoint keeps every input of the block, needed for a gradient or not.
          if (outside) keep(t, static_cast<int>(i), live);
        }
      }
      live_bytes = total(live);
      step_.layers[i].saved_bytes = live_bytes - before;
      peak = std::max(peak, fixed + live_bytes + bytes_of(a_[i].outputs) + edge_buffer_bytes(a_[i], false));
    }
    m.activations = live_bytes;
    // Backward: gradients appear, saved tensors go once their earliest user's backward is done; a
    // recomputed block's saved tensors live while its backward runs.
    int64_t grads = 0;
    std::set<std::string> grad_done;
    std::string block_now;
    int64_t block_saved = 0;
    for (int i = root_; i >= 0; --i) {
      const size_t u = static_cast<size_t>(i);
      if (!contributes_[u]) continue;
      if (full && i < root_) {
        const std::string b = block_of(a_[u].name);
        if (b != block_now) {
          block_now = b;
          std::map<std::string, int64_t> again;
          if (!b.empty())
            for (size_t k = 0; k < a_.size(); ++k)
              if (block_of(a_[k].name) == b)
                for (const auto& t : saved[k]) again.emplace(t.name, t.bytes());
          block_saved = total(again);
        }
      }
      for (const auto& w : a_[u].weights)
        if (grad_done.insert(w.name).second) grads += checked_mul(param_numel_.at(w.name), 4, "gradients");
      for (const auto& t : a_[u].inputs)
        if (param_numel_.count(t.name) && grad_done.insert(t.name).second)
          grads += param_numel_.at(t.name) * 4;
      // The gradient flowing in (dY) and the ones this op writes (dX for each input).
      int64_t transient = bytes_of(a_[u].outputs) + edge_buffer_bytes(a_[u], true);
      for (const auto& t : a_[u].inputs)
        if (needs_grad(t.name) && !param_numel_.count(t.name)) transient += t.bytes();
      peak = std::max(peak, fixed + grads + total(live) + block_saved + transient);
      for (auto it = live.begin(); it != live.end();)
        it = last_user.at(it->first) == i ? live.erase(it) : std::next(it);
    }
    // The optimizer step: every gradient, plus the foreach temporaries.
    peak = std::max(peak, fixed + m.gradients + temporaries);
    m.peak = peak;
  }

  TrainOptions o_;
  DType low_;
  bool autocast_ = false;
  bool half_ = false;  // --precision half
  std::vector<const Op*> fwd_;
  std::map<std::string, int64_t> param_numel_;
  std::vector<Op> a_;                            // the autocast forward (casts included) and the loss
  std::vector<std::vector<std::string>> extra_;  // per op of a_: cast weight copies it reads
  std::map<std::string, DType> dtype_of_;        // tensor -> dtype in a_
  std::map<std::string, int> producer_;          // tensor -> op of a_
  std::map<std::string, bool> needs_grad_;       // tensor -> carries a gradient
  std::map<std::string, int> grad_count_;        // tensor -> gradients flowing into it
  std::vector<bool> contributes_;                // op of a_ -> on a path to the loss
  std::set<std::string> counted_params_, recomputed_;
  std::vector<int64_t> param_tensors_;  // elements of each parameter tensor, in first-use order
  int root_ = -1;                       // the loss op in a_
  TrainingStep step_;
};

}  // namespace

TrainingStep build_training_step(const Graph& forward, const TrainOptions& options) {
  return StepBuilder(forward, options).build();
}

}  // namespace orrery::workloads::training
