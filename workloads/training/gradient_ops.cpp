#include "workloads/training/gradient_ops.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "common/error.hpp"

namespace orrery::workloads::training {
namespace {

bool one_of(const std::string& fn, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (fn == n) return true;
  return false;
}

struct Emitter {
  const Op& fwd;
  std::vector<GradOp> out;

  void add(const std::string& what, OpParams p, int input, DType dt) {
    out.push_back({make_op(fwd.name + ".grad." + what, std::move(p), dt), input});
  }
  void add(const std::string& what, OpParams p, int input) { add(what, std::move(p), input, fwd.dtype); }
};

void gemm_grads(Emitter& e, const GemmParams& g, const std::vector<bool>& need, bool wgrad) {
  if (g.b_is_weight) {
    if (need[0]) {  // dX [m, k] = dY [m, n] x W^T
      GemmParams d;
      d.batch = g.batch;
      d.m = g.m;
      d.n = g.k;
      d.k = g.n;
      d.b_is_weight = true;
      d.trans_b = !g.trans_b;
      e.add("dX", d, 0);
    }
    if (wgrad) {  // dW [k, n] = X^T [k, batch*m] x dY [batch*m, n]
      GemmParams w;
      w.m = g.k;
      w.n = g.n;
      w.k = g.batch * g.m;
      w.trans_a = true;
      e.add("dW", w, -1);
      if (g.bias) e.add("db", ReduceParams{"sum", g.batch * g.m * g.n, g.n}, -1);
    }
    return;
  }
  if (need[0]) {  // dA [m, k] = dC [m, n] x B^T
    GemmParams d;
    d.batch = g.batch;
    d.m = g.m;
    d.n = g.k;
    d.k = g.n;
    d.trans_b = !g.trans_b;
    e.add("dA", d, 0);
  }
  if (need.size() > 1 && need[1]) {  // dB [k, n] = A^T x dC
    GemmParams d;
    d.batch = g.batch;
    d.m = g.k;
    d.n = g.n;
    d.k = g.m;
    d.trans_a = !g.trans_a;
    e.add("dB", d, 1);
  }
  // A bias parameter on a product of two activations (torch.baddbmm with a bias): its gradient is
  // dC summed over the rows, as for a linear layer's.
  if (wgrad && g.bias) e.add("db", ReduceParams{"sum", g.batch * g.m * g.n, g.n}, -1);
}

void elementwise_grads(Emitter& e, const ElementwiseParams& p, const std::vector<bool>& need, bool wgrad) {
  const std::string& fn = p.fn;
  auto pointwise = [&](const std::string& bfn, int input, int64_t numel) {
    ElementwiseParams b;
    b.fn = bfn;
    b.numel = numel;
    e.add(bfn, b, input);
  };
  if (one_of(fn, {"add", "sub"})) {
    // The gradient passes through; a broadcast operand sums it back to its own shape.
    if (need.size() > 1 && need[1] && p.broadcast_numel > 0)
      e.add("sum_broadcast", ReduceParams{"sum", p.numel, p.broadcast_numel}, 1);
    else if (fn == "sub" && need.size() > 1 && need[1])
      pointwise("neg", 1, p.numel);
  } else if (one_of(fn, {"mul", "div", "max", "min", "prelu", "pow", "where"})) {
    for (size_t i = 0; i < need.size(); ++i) {
      if (!need[i]) continue;
      const int64_t numel = (i == 1 && p.broadcast_numel > 0) ? p.broadcast_numel : p.numel;
      pointwise(fn == "div" ? "div" : "mul", static_cast<int>(i), p.numel);
      if (numel != p.numel) e.add("sum_broadcast", ReduceParams{"sum", p.numel, numel}, static_cast<int>(i));
    }
  } else if (fn == "swiglu") {  // silu(gate) * up: d(up) = dY * silu(gate), d(gate) via silu'
    if (need[0]) pointwise("silu_backward", 0, p.numel);
    if (need.size() > 1 && need[1]) pointwise("mul", 1, p.numel);
  } else if (fn == "cast") {  // cast back to the source dtype (autocast's ToCopyBackward)
    if (need[0]) {
      ElementwiseParams c;
      c.fn = "cast";
      c.numel = p.numel;
      e.add("cast", c, 0, e.fwd.inputs[0].dtype);
      e.out.back().op.inputs[0].dtype = e.fwd.dtype;
    }
  } else if (fn == "copy") {  // the gradient arrives in the copy's layout and goes back to the view's
    if (need[0]) {
      ElementwiseParams c{"copy", p.numel};
      c.strided = p.strided;
      e.add("copy", c, 0);
    }
  } else if (one_of(fn, {"neg", "mul_scalar", "add_scalar", "scale"})) {
    if (need[0]) pointwise("mul_scalar", 0, p.numel);
  } else if (const auto* f = find_elementwise(fn + "_backward")) {
    if (need[0]) pointwise(f->name, 0, p.numel);
  } else if (fn == "clip") {
    if (need[0]) pointwise("relu6_backward", 0, p.numel);
  } else if (!need.empty() && need[0]) {
    // Any other differentiable function: dY times its derivative at the saved input.
    pointwise("mul", 0, p.numel);
  }
  if (wgrad && p.weight_numel > 0) e.add("dweight", ReduceParams{"sum", p.numel, p.weight_numel}, -1);
}

void data_movement_grads(Emitter& e, const DataMovementParams& d, const std::vector<bool>& need) {
  using K = DataMovementParams::Kind;
  for (size_t i = 0; i < need.size(); ++i) {
    if (!need[i]) continue;
    DataMovementParams b;
    b.in_numels = {d.out_numel};
    b.out_numel = d.in_numels[i];
    switch (d.kind) {
      case K::reshape:
      case K::concat:  // the gradient of a concat is views (narrow) of dY
      case K::split:   // (approximated: a split's gradient is a concat, one copy; see below)
        b.kind = K::reshape;
        break;
      case K::transpose:
      case K::copy:
        b.kind = d.kind;
        break;
      case K::slice:
      case K::select:  // select_backward
      case K::gather:  // zeros, then dY scattered in
        b.kind = K::pad;
        break;
      case K::pad:
        b.kind = K::slice;
        break;
      case K::upsample:
        if (d.out_numel % d.in_numels[i] == 0) {  // sum over each upsampled window
          e.add("dX", ReduceParams{"sum", d.out_numel, d.in_numels[i]}, static_cast<int>(i));
          continue;
        }
        b.kind = K::copy;
        break;
    }
    if (d.kind == K::split) {
      b.kind = K::concat;
      b.in_numels = {d.out_numel};
    }
    e.add("dX", b, static_cast<int>(i));
  }
}

}  // namespace

bool differentiable(const Op& op) {
  if (const auto* e = op.get<ElementwiseParams>())
    return !one_of(e->fn,
                   {"fill",  "equal", "less",          "greater",  "less_equal", "greater_equal", "and",
                    "or",    "xor",   "not",           "isnan",    "isinf",      "round",         "ceil",
                    "floor", "sign",  "triangle_mask", "bitshift", "mod",        "quantize"});
  return true;
}

std::vector<GradOp> gradient_ops(const Op& fwd, const std::vector<bool>& need, bool wgrad) {
  Emitter e{fwd, {}};
  const bool any_input = std::find(need.begin(), need.end(), true) != need.end();
  struct Visit {
    Emitter& e;
    const std::vector<bool>& need;
    bool wgrad, any_input;
    void operator()(const GemmParams& g) const { gemm_grads(e, g, need, wgrad); }
    void operator()(const ConvParams& c) const {
      if (c.pass != ConvPass::forward)
        throw WorkloadError(e.fwd.name + ": a conv gradient in the forward graph");
      if (need[0]) {
        ConvParams d = c;
        d.pass = ConvPass::backward_data;
        e.add("dgrad", d, 0);
      }
      if (wgrad) {
        ConvParams w = c;
        w.pass = ConvPass::backward_weight;
        e.add("wgrad", w, -1);
      }
    }
    void operator()(const PoolParams& p) const {
      if (!need[0]) return;
      PoolParams b = p;
      b.backward = true;
      e.add("dX", b, 0);
    }
    void operator()(const ElementwiseParams& p) const { elementwise_grads(e, p, need, wgrad); }
    void operator()(const NormParams& n) const {
      if (!any_input && !wgrad) return;
      NormParams b = n;
      b.backward = true;
      b.training = false;
      e.add("backward", b, need[0] ? 0 : -1);
    }
    void operator()(const SoftmaxParams& s) const {
      if (!need[0]) return;
      SoftmaxParams b = s;
      b.backward = true;
      e.add("dX", b, 0);
    }
    void operator()(const AttentionParams& a) const {
      if (!any_input) return;
      AttentionParams b = a;
      b.backward = true;
      e.add("backward", b, 0);  // dQ, dK, dV in one kernel (its outputs 0..2)
    }
    void operator()(const EmbeddingParams& m) const {
      if (!wgrad) return;
      EmbeddingParams b = m;
      b.backward = true;
      e.add("dW", b, -1);
    }
    void operator()(const ReduceParams& r) const {
      if (!need[0]) return;
      DataMovementParams b;
      b.kind = DataMovementParams::Kind::upsample;  // dY broadcast back (expand, / count)
      b.in_numels = {r.out_numel};
      b.out_numel = r.in_numel;
      e.add("dX", b, 0);
    }
    void operator()(const DataMovementParams& d) const { data_movement_grads(e, d, need); }
    void operator()(const SpmmParams& s) const {
      if (need.size() < 2 || !need[1]) return;
      SpmmParams b{s.cols, s.rows, s.nnz, s.features};  // A^T dY
      b.backward = true;
      // Computed in the forward's dtype, stored in the features' dtype (autocast: dX of 16-bit
      // features, accumulated from fp32 messages).
      e.add("dX", b, 1);
      Op& dx = e.out.back().op;
      if (e.fwd.inputs.size() > 1) dx.outputs[0].dtype = e.fwd.inputs[1].dtype;
    }
    void operator()(const LoopNestOpParams&) const {
      throw WorkloadError(
          fmt::format("{}: not supported yet: the backward of a generic loop nest", e.fwd.name));
    }
    void operator()(const CrossEntropyParams&) const {
      throw WorkloadError(
          fmt::format("{}: the forward graph already has a loss (--train adds one)", e.fwd.name));
    }
    void operator()(const OptimizerParams&) const {
      throw WorkloadError(fmt::format("{}: the forward graph already has an optimizer step", e.fwd.name));
    }
  };
  std::visit(Visit{e, need, wgrad, any_input}, fwd.params);
  return std::move(e.out);
}

}  // namespace orrery::workloads::training
