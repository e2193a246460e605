#include "workloads/ops/optimizer.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

std::string_view to_string(OptimizerAlgo a) {
  switch (a) {
    case OptimizerAlgo::sgd:
      return "sgd";
    case OptimizerAlgo::sgd_momentum:
      return "sgd_momentum";
    case OptimizerAlgo::adam:
      return "adam";
    case OptimizerAlgo::adamw:
      return "adamw";
  }
  return "?";
}

std::string_view to_string(OptimizerImpl i) { return i == OptimizerImpl::fused ? "fused" : "foreach"; }

int OptimizerParams::state_tensors() const {
  switch (algo) {
    case OptimizerAlgo::sgd:
      return 0;
    case OptimizerAlgo::sgd_momentum:
      return 1;
    case OptimizerAlgo::adam:
    case OptimizerAlgo::adamw:
      return 2;
  }
  return 0;
}

std::vector<OptimizerPass> OptimizerParams::passes() const {
  // Flops: vector operations per element (an FMA counts one).
  std::vector<OptimizerPass> foreach_passes;
  switch (algo) {
    case OptimizerAlgo::sgd:
      foreach_passes = {{"_foreach_add_(params, grads, alpha=-lr)", 2, 1, 1}};
      break;
    case OptimizerAlgo::sgd_momentum:
      foreach_passes = {{"_foreach_mul_(bufs, momentum)", 1, 1, 1},
                        {"_foreach_add_(bufs, grads)", 2, 1, 1},
                        {"_foreach_add_(params, bufs, alpha=-lr)", 2, 1, 1}};
      break;
    case OptimizerAlgo::adam:
    case OptimizerAlgo::adamw:
      if (algo == OptimizerAlgo::adamw)
        foreach_passes.push_back({"_foreach_mul_(params, 1 - lr*wd)", 1, 1, 1});
      for (const OptimizerPass& p :
           std::vector<OptimizerPass>{{"_foreach_lerp_(exp_avgs, grads, 1 - beta1)", 2, 1, 2},
                                      {"_foreach_mul_(exp_avg_sqs, beta2)", 1, 1, 1},
                                      {"_foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)", 2, 1, 2},
                                      {"_foreach_sqrt(exp_avg_sqs)", 1, 1, 1},
                                      {"_foreach_div_(denom, bias_correction2_sqrt)", 1, 1, 1},
                                      {"_foreach_add_(denom, eps)", 1, 1, 1},
                                      {"_foreach_addcdiv_(params, exp_avgs, denom, -step_size)", 3, 1, 2}})
        foreach_passes.push_back(p);
      break;
  }
  if (impl == OptimizerImpl::foreach) return foreach_passes;
  // Fused: the same arithmetic in one kernel; params, grads and state read once, params and
  // state written once.
  OptimizerPass fused{
      fmt::format("_fused_{}_", algo == OptimizerAlgo::sgd_momentum ? "sgd" : to_string(algo)),
      2 + state_tensors(), 1 + state_tensors(), 0};
  for (const auto& p : foreach_passes) fused.flops += p.flops;
  return {fused};
}

int64_t OptimizerParams::vector_flops() const {
  int64_t per_element = 0;
  for (const auto& p : passes()) per_element += p.flops;
  return checked_mul(params, per_element, "optimizer");
}

OpTensors OptimizerParams::tensors(DType) const {
  const Tensor t{"", {params}, master};
  OpTensors out;
  out.inputs.assign(static_cast<size_t>(2 + state_tensors()), t);   // params, grads, state
  out.outputs.assign(static_cast<size_t>(1 + state_tensors()), t);  // params, state
  return out;
}

LoopNest OptimizerParams::loop_nest() const {
  LoopNest nest{{{"i", params}}, {}};
  for (int i = 0; i < 2 + state_tensors(); ++i)
    nest.tensors.push_back({placeholder(TensorRole::input, i), TensorRole::input, {axis(0)}});
  for (int i = 0; i < 1 + state_tensors(); ++i)
    nest.tensors.push_back({placeholder(TensorRole::output, i), TensorRole::output, {axis(0)}});
  return nest;
}

std::string OptimizerParams::describe() const {
  return fmt::format("optimizer {} {} params={} master={}", to_string(algo), to_string(impl), params,
                     to_string(master));
}

void OptimizerParams::validate(const std::string& where) const {
  require_positive(where, "params", params);
  (void)vector_flops();
}

}  // namespace orrery::workloads
