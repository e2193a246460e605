#include "workloads/ops/attention.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

std::string_view to_string(AttentionBackend b) {
  switch (b) {
    case AttentionBackend::auto_:
      return "auto";
    case AttentionBackend::flash:
      return "flash";
    case AttentionBackend::efficient:
      return "efficient";
    case AttentionBackend::cudnn:
      return "cudnn";
    case AttentionBackend::math:
      return "math";
  }
  return "?";
}

int64_t AttentionParams::macs() const {
  const int64_t one = checked_mul(checked_mul(checked_mul(batch, heads, "attention"), q_len, "attention"),
                                  checked_mul(kv_len, head_dim, "attention"), "attention MACs");
  const int64_t matmuls = !backward ? 2 : recomputes_scores() ? 5 : 4;
  return checked_mul(one, matmuls, "attention MACs");
}

OpTensors AttentionParams::tensors(DType dt) const {
  OpTensors t;
  t.inputs.push_back({"", {batch, heads, q_len, head_dim}, dt});
  t.inputs.push_back({"", {batch, kv_heads, kv_len, head_dim}, dt});
  t.inputs.push_back({"", {batch, kv_heads, kv_len, head_dim}, dt});
  t.outputs.push_back({"", {batch, heads, q_len, head_dim}, dt});
  if (!backward) return t;
  OpTensors b;
  b.inputs = t.inputs;                                           // Q, K, V
  b.inputs.push_back(t.outputs[0]);                              // O
  b.inputs.push_back(t.outputs[0]);                              // dO
  b.inputs.push_back({"", {batch, heads, q_len}, DType::fp32});  // log-sum-exp
  b.outputs = t.inputs;                                          // dQ, dK, dV
  return b;
}

LoopNest AttentionParams::loop_nest() const {
  // The two matmuls share the (b, h, q, kv) space; d is the reduction of QK^T and the output
  // dim of AV. Heads map onto kv heads by integer division (GQA), which is not affine, so K/V
  // are projected with the kv-head group index kept separately.
  const int64_t group = heads / kv_heads;
  enum { B, HK, G, Q, KV, D };
  LoopNest nest{{{"b", batch}, {"hk", kv_heads}, {"g", group}, {"q", q_len}, {"kv", kv_len}, {"d", head_dim}},
                {}};
  AffineIndex head{{{HK, group}, {G, 1}}, 0};
  nest.tensors.push_back(
      {placeholder(TensorRole::input, 0), TensorRole::input, {axis(B), head, axis(Q), axis(D)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::input, 1), TensorRole::input, {axis(B), axis(HK), axis(KV), axis(D)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::input, 2), TensorRole::input, {axis(B), axis(HK), axis(KV), axis(D)}});
  if (!backward) {
    nest.tensors.push_back(
        {placeholder(TensorRole::output, 0), TensorRole::output, {axis(B), head, axis(Q), axis(D)}});
    return nest;
  }
  // Backward: O and dO are indexed like Q, the log-sum-exp by (b, h, q); dQ like Q, dK/dV like K.
  nest.tensors.push_back(
      {placeholder(TensorRole::input, 3), TensorRole::input, {axis(B), head, axis(Q), axis(D)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::input, 4), TensorRole::input, {axis(B), head, axis(Q), axis(D)}});
  nest.tensors.push_back({placeholder(TensorRole::input, 5), TensorRole::input, {axis(B), head, axis(Q)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::output, 0), TensorRole::output, {axis(B), head, axis(Q), axis(D)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::output, 1), TensorRole::output, {axis(B), axis(HK), axis(KV), axis(D)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::output, 2), TensorRole::output, {axis(B), axis(HK), axis(KV), axis(D)}});
  return nest;
}

std::string AttentionParams::describe() const {
  return fmt::format(
      "attention{} B={} H={} S={} KV={} D={}{}{}{}", backward ? " backward" : "", batch, heads, q_len, kv_len,
      head_dim, causal ? " causal" : "", padding_mask ? " key-mask" : "",
      backend == AttentionBackend::auto_ ? "" : fmt::format(" backend={}", to_string(backend)));
}

void AttentionParams::validate(const std::string& where) const {
  require_positive(where, "B", batch);
  require_positive(where, "H", heads);
  require_positive(where, "kv_heads", kv_heads);
  require_positive(where, "S", q_len);
  require_positive(where, "kv", kv_len);
  require_positive(where, "D", head_dim);
  if (heads % kv_heads)
    throw WorkloadError(fmt::format("{}: kv_heads={} must divide H={}", where, kv_heads, heads));
  (void)macs();
}

}  // namespace orrery::workloads
