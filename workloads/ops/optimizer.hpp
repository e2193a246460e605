#pragma once
// One optimizer step over `params` parameter elements, as torch.optim runs it on a GPU. The
// master parameters, their gradients and the optimizer state are in `master` (fp32 under
// autocast). State per parameter as PyTorch keeps it: sgd none; sgd_momentum a momentum
// buffer; adam/adamw exp_avg and exp_avg_sq.
//
// impl: `fused` is one kernel that reads params, grads and state once and writes params and
// state once (torch.optim's fused=True: _fused_sgd_/_fused_adam_/_fused_adamw_); `foreach` is
// the multi-tensor path (the default on CUDA) whose _foreach_* kernels each stream their
// operands; passes() lists them, in the order _multi_tensor_adam/_multi_tensor_sgd issue them
// (non-capturable, default hyper-parameters: Adam without weight decay, AdamW with it).
#include <string>
#include <vector>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

enum class OptimizerAlgo { sgd, sgd_momentum, adam, adamw };
enum class OptimizerImpl { foreach, fused };
std::string_view to_string(OptimizerAlgo a);
std::string_view to_string(OptimizerImpl i);

// One multi-tensor kernel of an optimizer step (one _foreach_* op, or the fused kernel): per
// parameter element, `reads` and `writes` master-dtype values and `flops` vector operations.
// `lists` is the number of tensor lists the kernel walks (its multi_tensor_apply depth: an
// in-place unary op 1, a binary or out-of-place op 2, addcmul_/addcdiv_ 3, fused Adam 4) and
// `scalar_list` whether it also takes one scalar per tensor; both set how many tensors one
// launch can hold (mappers/gpu/multi_tensor_apply.hpp).
struct OptimizerPass {
  std::string kernel;
  int reads = 0, writes = 0, flops = 0;
  int lists = 1;
  bool scalar_list = false;
  // FP64 operations per element: the fused kernels take lr, betas, eps and weight decay as
  // doubles (FusedAdamKernel.cu, FusedSgdKernel.cu), so `beta1 * exp_avg` and the rest run in
  // double precision; a double sqrt or division is a sequence of ~10 DFMAs after a MUFU seed.
  int fp64_ops = 0;
  // Elements per tensor this pass walks instead of the parameters' (fused Adam's step counters:
  // one element per tensor); 0: the parameter tensors themselves.
  int64_t numel_per_tensor = 0;
};

struct OptimizerParams {
  OptimizerAlgo algo = OptimizerAlgo::adamw;
  int64_t params = 1;  // parameter elements updated
  DType master = DType::fp32;
  OptimizerImpl impl = OptimizerImpl::foreach;
  // Elements of each parameter tensor, in the order torch.optim walks them (model.parameters());
  // empty: one tensor of `params`. Their sum is `params`.
  std::vector<int64_t> tensor_numels;

  std::vector<int64_t> parameter_tensors() const;  // tensor_numels, or {params}

  int state_tensors() const;  // per-parameter state tensors (0, 1 or 2)
  std::vector<OptimizerPass> passes() const;
  int64_t macs() const { return 0; }
  int64_t vector_flops() const;
  // inputs: params, grads, state...; outputs: params, state... (all `master`)
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
