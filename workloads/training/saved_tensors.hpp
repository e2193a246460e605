#pragma once
// What autograd keeps from an op's forward for its backward (the tensors a PyTorch op's
// backward node saves), by name: a tensor saved by several ops (a ReLU's output that the next
// conv also keeps as its input) is one allocation, so callers count each name once.
#include <vector>

#include "workloads/op.hpp"

namespace orrery::workloads::training {

// `attention_recomputed`: selective recomputation drops the math path's attention
// probabilities (recomputed in the backward); a fused kernel keeps only Q, K, V, O and the
// log-sum-exp either way.
std::vector<Tensor> saved_tensors(const Op& op, bool attention_recomputed);

}  // namespace orrery::workloads::training
