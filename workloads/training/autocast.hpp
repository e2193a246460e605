#pragma once
// torch.autocast's op lists, by op kind: which ops run in the 16-bit dtype, which in fp32 and
// which in the widest dtype of their inputs (PyTorch's "autocast to lower precision", "to
// float32" and "promote" lists, torch/csrc/autograd/autocast_mode.cpp).
#include "workloads/op.hpp"

namespace orrery::workloads::training {

enum class AutocastClass {
  lower,    // matmul, linear, bmm, conv, SDPA: inputs cast to the 16-bit dtype
  fp32,     // layer/group/rms norm, softmax, log_softmax, cross_entropy, sum/mean, exp, log, pow...
  promote,  // everything else: the widest input dtype (batch norm takes half input, fp32 params)
};

AutocastClass autocast_class(const Op& op);

}  // namespace orrery::workloads::training
