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

// One streaming kernel of an optimizer step: per parameter element, `reads` and `writes`
// master-dtype values and `flops` vector operations.
struct OptimizerPass {
  std::string kernel;
  int reads = 0, writes = 0, flops = 0;
};

struct OptimizerParams {
  OptimizerAlgo algo = OptimizerAlgo::adamw;
  int64_t params = 1;  // parameter elements updated
  DType master = DType::fp32;
  OptimizerImpl impl = OptimizerImpl::foreach;

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
