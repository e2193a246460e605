#include "workloads/training/saved_tensors.hpp"

#include <array>
#include <string_view>

namespace orrery::workloads::training {
namespace {

bool one_of(const std::string& fn, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (fn == n) return true;
  return false;
}

Tensor extra(const Op& op, const char* what, std::vector<int64_t> shape, DType dt) {
  return Tensor{op.name + ".saved." + what, std::move(shape), dt};
}

// int64 indices (argmax of a max pool, embedding ids, class targets) as two 32-bit words.
Tensor indices(const Op& op, const char* what, int64_t count) {
  return extra(op, what, {count, 2}, DType::fp32);
}

std::vector<Tensor> elementwise_saved(const Op& op, const ElementwiseParams& e) {
  const auto& in = op.inputs;
  // Functions whose backward needs their output (relu's mask, sigmoid, tanh, exp, sqrt...); not
  // ReLU6 nor clamp, whose in-place forms save a clone of the input (35 Memcpy DtoD in
  // MobileNetV2's training forward, training_h100_kernels.csv).
  if (backward_reads_output(e.fn)) return {op.outputs[0]};
  // A dropout keeps its mask (one byte per element).
  if (e.fn == "dropout") return {extra(op, "mask", {e.numel}, DType::int8)};
  // Products keep both operands; where keeps its condition.
  if (one_of(e.fn, {"mul", "div", "swiglu", "pow", "max", "min", "prelu"})) return in;
  if (e.fn == "where") return {in[0]};
  // Linear in the input, or with no gradient: nothing.
  if (one_of(e.fn, {"add", "sub", "neg", "mul_scalar", "add_scalar", "cast", "copy", "fill", "mean"}))
    return {};
  if (e.fn == "scale" || e.fn == "scale_shift") return {in[0]};
  // Other differentiable functions (gelu, silu, mish, hardswish, erf, log, ...) keep their input.
  if (in.empty()) return {};
  const auto* fn = find_elementwise(e.fn);
  if (fn && fn->arity == 2 && in.size() == 2) return in;
  return {in[0]};
}

}  // namespace

std::vector<Tensor> saved_tensors(const Op& op, bool attention_recomputed) {
  if (const auto* g = op.get<GemmParams>()) {
    // Linear keeps its input (and the weight, a parameter: its autocast copy is saved too);
    // a matmul of two activations keeps both.
    std::vector<Tensor> s{op.inputs[0]};
    if (!g->b_is_weight && op.inputs.size() > 1) s.push_back(op.inputs[1]);
    return s;
  }
  if (op.get<ConvParams>()) return {op.inputs[0]};
  if (const auto* p = op.get<PoolParams>()) {
    std::vector<Tensor> s{op.inputs[0]};
    if (p->mode == PoolParams::Mode::max) s.push_back(indices(op, "argmax", op.outputs[0].numel()));
    return s;
  }
  if (const auto* e = op.get<ElementwiseParams>()) return elementwise_saved(op, *e);
  if (const auto* n = op.get<NormParams>()) {
    // The input and the statistics (mean and rstd per row; per channel for batch norm).
    std::vector<Tensor> s{op.inputs[0]};
    s.push_back(extra(op, "stats", {n->stat_count() * n->stat_tensors()}, DType::fp32));
    return s;
  }
  if (op.get<SoftmaxParams>()) return {op.outputs[0]};
  if (const auto* a = op.get<AttentionParams>()) {
    std::vector<Tensor> s{op.inputs[0], op.inputs[1], op.inputs[2]};
    if (a->backend == AttentionBackend::math || a->padding_mask) {  // masked: SDPA's math path
      // SDPA's math path: the bmm keeps the probabilities P [B, H, S, KV] (and softmax its
      // output, the same tensor); selective recomputation drops them.
      if (!attention_recomputed)
        s.push_back(extra(op, "probs", {a->batch, a->heads, a->q_len, a->kv_len}, op.dtype));
      return s;
    }
    s.push_back(op.outputs[0]);
    s.push_back(extra(op, "logsumexp", {a->batch, a->heads, a->q_len}, DType::fp32));
    return s;
  }
  if (const auto* e = op.get<EmbeddingParams>()) return {indices(op, "ids", e->lookups)};
  if (const auto* c = op.get<CrossEntropyParams>()) {
    // log_softmax keeps its output, nll_loss the targets.
    return {op.outputs[1], indices(op, "targets", c->rows)};
  }
  if (const auto* d = op.get<DataMovementParams>())
    if (d->kind == DataMovementParams::Kind::gather) return {op.inputs.back()};
  if (op.get<SpmmParams>()) return {op.inputs[0]};  // the adjacency (CSR) for A^T dY
  return {};                                        // reduce, views and copies: shapes only
}

}  // namespace orrery::workloads::training
