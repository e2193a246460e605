#include "workloads/ops/gemm.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

int64_t GemmParams::macs() const {
  return checked_mul(checked_mul(checked_mul(batch, m, "gemm"), n, "gemm"), k, "gemm MACs");
}

OpTensors GemmParams::tensors(DType dt) const {
  OpTensors t;
  t.inputs.push_back(
      {"", trans_a ? std::vector<int64_t>{batch, k, m} : std::vector<int64_t>{batch, m, k}, dt});
  const std::vector<int64_t> b = trans_b ? std::vector<int64_t>{n, k} : std::vector<int64_t>{k, n};
  if (b_is_weight)
    t.weights.push_back({"", b, dt});
  else
    t.inputs.push_back({"", {batch, b[0], b[1]}, dt});
  if (bias) t.weights.push_back({"", {n}, dt});
  t.outputs.push_back({"", {batch, m, n}, dt});
  return t;
}

LoopNest GemmParams::loop_nest() const {
  enum { B, M, N, K };
  LoopNest nest{{{"b", batch}, {"m", m}, {"n", n}, {"k", k}}, {}};
  // A transposed operand is the same projection with its two axes stored the other way round.
  nest.tensors.push_back({placeholder(TensorRole::input, 0),
                          TensorRole::input,
                          {axis(B), axis(trans_a ? K : M), axis(trans_a ? M : K)}});
  const int b0 = trans_b ? N : K, b1 = trans_b ? K : N;
  if (b_is_weight)
    nest.tensors.push_back({placeholder(TensorRole::weight, 0), TensorRole::weight, {axis(b0), axis(b1)}});
  else
    nest.tensors.push_back(
        {placeholder(TensorRole::input, 1), TensorRole::input, {axis(B), axis(b0), axis(b1)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::output, 0), TensorRole::output, {axis(B), axis(M), axis(N)}});
  return nest;
}

std::string GemmParams::describe() const {
  std::string s = batch == 1 ? fmt::format("M={} N={} K={}", m, n, k)
                             : fmt::format("B={} M={} N={} K={}", batch, m, n, k);
  if (trans_a) s += " transA";
  if (trans_b) s += " transB";
  return s;
}

void GemmParams::validate(const std::string& where) const {
  require_positive(where, "B", batch);
  require_positive(where, "M", m);
  require_positive(where, "N", n);
  require_positive(where, "K", k);
  (void)macs();
}

}  // namespace orrery::workloads
