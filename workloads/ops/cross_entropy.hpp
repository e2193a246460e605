#pragma once
// Cross-entropy loss over `rows` samples (tokens, images) of `classes` logits (a vocabulary or
// the classes of a classifier), as PyTorch's F.cross_entropy runs it: log_softmax then NLL.
// Forward: reads the logits and the integer targets once; writes the scalar loss (fp32) and the
// log-probabilities (log_softmax's output, which autograd keeps for the backward; a fused loss
// kernel would keep only a log-sum-exp per row). Backward: dlogits = exp(logprobs) - onehot,
// scaled by 1/rows: reads the log-probabilities and the targets, writes dlogits.
// Targets are int64 in PyTorch: carried as two 32-bit words per row ([rows, 2] fp32).
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct CrossEntropyParams {
  int64_t rows = 1, classes = 1;
  bool backward = false;

  int64_t macs() const { return 0; }
  // forward: max, sub, exp, sum per logit (the log and the target pick are per row);
  // backward: sub, exp, scale per logit (minus one at the target).
  int64_t vector_flops() const;
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
