#pragma once
// PyTorch 2.11's kernels for F.cross_entropy and F.embedding (forward and backward), from
// aten/src/ATen/native/cuda/{Loss.cu, SoftMax.cu, Embedding.cu, Indexing.cu} and the kernel
// names and times of validation/data/random_ops_h100_kernels.csv.
//   cross_entropy forward: log_softmax (the softmax dispatch, torch_row_kernels.hpp), then
//     nll_loss_forward_reduce_cuda_kernel_2d: ONE block of nll_loss_threads(rows) threads
//     (2^round(log2(rows / 16)) clamped to 32..1024) walking the rows: per iteration the target
//     index, then the log-probability it names (a DRAM round trip on cold data), then a tree
//     reduction over the block.
//   cross_entropy backward (torch.autograd.grad of the mean loss): the ones gradient (a fill of
//     one element), grad_input zeroed (a fill of rows x vocab), nll_loss_backward_reduce_cuda_
//     kernel_2d (one block, the same threads: target, then the scattered store), log_softmax's
//     backward (the softmax backward dispatch).
//   embedding forward (index_select on dim 0): <= 16 indices: indexSelectSmallIndex (every
//     block walks all indices, each an index load then the row); rows a whole number of 16-byte
//     vectors: vectorized_gather_kernel (a block per index: index load, then the row: two round
//     trips per wave); else _scatter_gather_elementwise_kernel (an element per thread, the index
//     then the value).
//   embedding backward (embedding_dense_backward): <= 3072 indices: grad_weight zeroed, then
//     embedding_backward_feature_kernel (a 32x32 block per 32 columns walking every index: per
//     index of a warp, the gradient row slice and the weight-gradient row it accumulates into);
//     more: the sort-based path (index arange, cub radix sort of the 64-bit keys in 8-bit
//     onesweep passes, unique_by_key, segment offsets by scans, compute_grad_weight,
//     sum_and_scatter), each a kernel of its own.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_cross_entropy_pytorch(const workloads::Op& op, const workloads::CrossEntropyParams& c,
                                     const arch::gpu::GpuSpec& spec);

GpuMapping map_embedding_pytorch(const workloads::Op& op, const workloads::EmbeddingParams& e,
                                 const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
