#pragma once
// The kernels PyTorch eager launches for the ops of a training step (gradients, the loss, the
// optimizer update), as a first, physically grounded model: the backward of a conv through the
// same cuDNN implicit-GEMM models as the forward, the fused attention backward scaled from the
// forward kernel of the same backend, and the memory-bound rest as streaming kernels (bytes
// moved at the achievable bandwidth), each named after the ATen kernel it stands for.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::gpu {

// backward_data: cuDNN dgrad, the implicit GEMM of the conv over dY with the channels swapped
// (a strided forward's dgrad is a transposed conv); backward_weight: cuDNN wgrad, an implicit
// GEMM M = K/groups, N = C/groups x taps, K = N x output pixels (split over K as cuBLAS does);
// a depthwise wgrad is ATen's memory-bound conv_depthwise2d_grad_weight kernel.
GpuMapping map_conv_backward(const workloads::ConvParams& c, workloads::DType dtype,
                             const arch::gpu::GpuSpec& spec, Runtime rt);

// FlashAttention-2's backward: flash_bwd_dot_do_o (D = rowsum(dO * O)), the main
// flash_bwd_dq_dk_dv kernel (the forward kernel's tiles doing the backward's 5 matmuls per
// score block, dQ accumulated in fp32), flash_bwd_convert_dq. The math backend (and tensor-core
// -less dtypes): four batched GEMMs and a softmax backward.
GpuMapping map_attention_backward(const workloads::Op& op, const workloads::AttentionParams& a,
                                  const arch::gpu::GpuSpec& spec);

// F.cross_entropy as PyTorch eager runs it: forward cunn_SoftMaxForward (log_softmax) then
// nll_loss_forward_reduce_cuda_kernel_2d; backward a zero fill, nll_loss_backward (the -1/rows
// at each target) and cunn_SoftMaxBackward (log_softmax backward).
GpuMapping map_cross_entropy(const workloads::Op& op, const workloads::CrossEntropyParams& c,
                             const arch::gpu::GpuSpec& spec);

// The multi_tensor_apply launches of every pass of OptimizerParams::passes() (each _foreach_
// op, or the fused kernel) over the parameter tensors, chunked as PyTorch does
// (multi_tensor_apply.hpp): one streaming kernel per launch, its CTAs' loops a dependent chain.
GpuMapping map_optimizer(const workloads::OptimizerParams& o, const arch::gpu::GpuSpec& spec);

// Training-mode norms: batch norm forward with batch statistics (collect statistics, then
// transform), and the backward of every norm (ATen's two kernels: the reductions for the
// scale/shift gradients, and dX).
GpuMapping map_norm_training(const workloads::Op& op, const workloads::NormParams& n,
                             const arch::gpu::GpuSpec& spec);

// Backward of softmax (cunn_SoftMaxBackward), pooling (max_pool_backward_nhwc / the
// broadcast of a global average) and embedding (embedding_dense_backward: zero dW, sort the
// indices, sum rows per index, scatter).
GpuMapping map_memory_backward(const workloads::Op& op, const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
