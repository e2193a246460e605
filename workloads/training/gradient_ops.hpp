#pragma once
// The ops autograd runs for one forward op's backward, in PyTorch's order and shapes:
//   linear       dX = dY W^T (a GEMM, W read transposed), dW = X^T dY (A read transposed), db a sum
//   matmul       dA = dC B^T, dB = A^T dC (batched)
//   conv         dgrad (ConvPass::backward_data), wgrad (backward_weight, with db)
//   attention    the fused backward of its backend (AttentionParams::backward)
//   norm, softmax, pooling, embedding: the op's backward form
//   activations  their *_backward elementwise kernel (dY and the saved tensor in)
//   add/sub      nothing (the gradient passes through), a sum for a broadcast operand
//   mul/div      one product per operand needing a gradient
//   reduce       a broadcast of dY back to the input's size; data movement its inverse
// Only the gradients asked for are produced (an input with no gradient, the image or the token
// ids, gets no data gradient, as PyTorch skips it).
#include <vector>

#include "workloads/op.hpp"

namespace orrery::workloads::training {

struct GradOp {
  Op op;
  int input = -1;  // the forward input whose gradient this op writes; -1: weight gradients only
};

// Throws WorkloadError "not supported yet: ..." for a kind with no backward (a generic loop
// nest) and for ops that belong to a training step already (a loss or an optimizer).
std::vector<GradOp> gradient_ops(const Op& fwd, const std::vector<bool>& input_grad, bool weight_grad);

// True if the op's output carries a gradient at all (comparisons, fills and masks do not).
bool differentiable(const Op& op);

}  // namespace orrery::workloads::training
