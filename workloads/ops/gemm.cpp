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
  t.inputs.push_back({"", {batch, m, k}, dt});
  if (b_is_weight)
    t.weights.push_back({"", {k, n}, dt});
  else
    t.inputs.push_back({"", {batch, k, n}, dt});
  if (bias) t.weights.push_back({"", {n}, dt});
  t.outputs.push_back({"", {batch, m, n}, dt});
  return t;
}

LoopNest GemmParams::loop_nest() const {
  enum { B, M, N, K };
  LoopNest nest{{{"b", batch}, {"m", m}, {"n", n}, {"k", k}}, {}};
  nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, {axis(B), axis(M), axis(K)}});
  if (b_is_weight)
    nest.tensors.push_back({placeholder(TensorRole::weight, 0), TensorRole::weight, {axis(K), axis(N)}});
  else
    nest.tensors.push_back(
        {placeholder(TensorRole::input, 1), TensorRole::input, {axis(B), axis(K), axis(N)}});
  nest.tensors.push_back(
      {placeholder(TensorRole::output, 0), TensorRole::output, {axis(B), axis(M), axis(N)}});
  return nest;
}

std::string GemmParams::describe() const {
  return batch == 1 ? fmt::format("M={} N={} K={}", m, n, k)
                    : fmt::format("B={} M={} N={} K={}", batch, m, n, k);
}

void GemmParams::validate(const std::string& where) const {
  require_positive(where, "B", batch);
  require_positive(where, "M", m);
  require_positive(where, "N", n);
  require_positive(where, "K", k);
  (void)macs();
}

}  // namespace orrery::workloads
