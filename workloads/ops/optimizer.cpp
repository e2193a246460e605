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

std::vector<int64_t> OptimizerParams::parameter_tensors() const {
  return tensor_numels.empty() ? std::vector<int64_t>{params} : tensor_numels;
}

std::vector<OptimizerPass> OptimizerParams::passes() const {
  // As torch/optim/sgd.py's _multi_tensor_sgd and adam.py's _multi_tensor_adam issue them
  // (non-capturable: Adam's step counters are CPU tensors there, so their increment launches
  // nothing). Flops: vector operations per element (an FMA counts one). addcmul_ reads the
  // gradient twice (tensor1 = tensor2), from the same lines: one DRAM read.
  std::vector<OptimizerPass> foreach_passes;
  switch (algo) {
    case OptimizerAlgo::sgd:
      foreach_passes = {{"_foreach_add_(params, grads, alpha=-lr)", 2, 1, 1, 2}};
      break;
    case OptimizerAlgo::sgd_momentum:
      foreach_passes = {{"_foreach_mul_(bufs, momentum)", 1, 1, 1, 1},
                        {"_foreach_add_(bufs, grads)", 2, 1, 1, 2},
                        {"_foreach_add_(params, bufs, alpha=-lr)", 2, 1, 1, 2}};
      break;
    case OptimizerAlgo::adam:
    case OptimizerAlgo::adamw:
      if (algo == OptimizerAlgo::adamw)
        foreach_passes.push_back({"_foreach_mul_(params, 1 - lr*wd)", 1, 1, 1, 1});
      for (const OptimizerPass& p : std::vector<OptimizerPass>{
               {"_foreach_lerp_(exp_avgs, grads, 1 - beta1)", 2, 1, 2, 2},
               {"_foreach_mul_(exp_avg_sqs, beta2)", 1, 1, 1, 1},
               {"_foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)", 2, 1, 2, 3},
               {"_foreach_sqrt(exp_avg_sqs)", 1, 1, 1, 2},
               {"_foreach_div_(denom, bias_correction2_sqrt)", 1, 1, 1, 1, true},
               {"_foreach_add_(denom, eps)", 1, 1, 1, 1},
               {"_foreach_addcdiv_(params, exp_avgs, denom, step_size)", 3, 1, 2, 3, true}})
        foreach_passes.push_back(p);
      break;
  }
  if (impl == OptimizerImpl::foreach) return foreach_passes;
  // Fused: the same arithmetic in one kernel over params, grads and state (one list each); each
  // read once, params and state written once. Fused Adam keeps its step counters on the device
  // and increments them first (_foreach_add_ over one-element tensors).
  OptimizerPass fused{
      fmt::format("_fused_{}_", algo == OptimizerAlgo::sgd_momentum ? "sgd" : to_string(algo)),
      2 + state_tensors(), 1 + state_tensors(), 0, 2 + state_tensors()};
  for (const auto& p : foreach_passes) fused.flops += p.flops;
  // The fused math in double, per element (_adam_math / sgd_math): Adam two FMAs for exp_avg, three
  // for exp_avg_sq, lr / bias_correction1, sqrt(exp_avg_sq) / bias_correction2_sqrt + eps and
  // step_size * exp_avg / denom (three divisions and a sqrt, ~10 each), the update (AdamW: two
  // more for the decay) = 48 (50); SGD with momentum buf = momentum * buf + grad, param -= lr * buf:
  // 3 (plain SGD 1).
  switch (algo) {
    case OptimizerAlgo::sgd:
      fused.fp64_ops = 1;
      break;
    case OptimizerAlgo::sgd_momentum:
      fused.fp64_ops = 3;
      break;
    case OptimizerAlgo::adam:
      fused.fp64_ops = 48;
      break;
    case OptimizerAlgo::adamw:
      fused.fp64_ops = 50;
      break;
  }
  if (algo == OptimizerAlgo::adam || algo == OptimizerAlgo::adamw)
    return {{"_foreach_add_(state_steps, 1)", 1, 1, 1, 1, false, 0, 1}, fused};
  return {fused};
}

int64_t OptimizerParams::vector_flops() const {
  int64_t flops = 0;
  const int64_t tensors = static_cast<int64_t>(parameter_tensors().size());
  for (const auto& p : passes())
    flops = checked_add(
        flops,
        checked_mul(p.numel_per_tensor > 0 ? p.numel_per_tensor * tensors : params, p.flops, "optimizer"),
        "optimizer");
  return flops;
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
  if (!tensor_numels.empty()) {
    int64_t sum = 0;
    for (int64_t n : tensor_numels) {
      require_positive(where, "tensor numel", n);
      sum = checked_add(sum, n, "optimizer tensors");
    }
    if (sum != params)
      throw WorkloadError(
          fmt::format("{}: optimizer tensors hold {} elements, expected params={}", where, sum, params));
  }
  (void)vector_flops();
}

}  // namespace orrery::workloads
