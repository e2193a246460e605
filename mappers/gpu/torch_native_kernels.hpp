#pragma once
// PyTorch's own CUDA kernels (ATen native) for the ops it does not hand to cuBLAS/cuDNN, as
// PyTorch 2.x launches them on channels-last activations. Each builder follows the kernel's
// launch configuration in the ATen source (block and grid from the tensor sizes), so the
// CTA count and the serial load -> use steps each thread walks through come from the code, not
// from a fit; the one fitted constant they share is the time of such a step
// (calibration.dependent_access_ns). Checked against validation/data/torch_ops_h100.csv.
#include <cstdint>

#include "arch/gpu/kernel.hpp"
#include "arch/gpu/spec.hpp"
#include "workloads/ops/pool.hpp"

namespace orrery::mappers::gpu {

// Issue work per thread of a block Welford reduction (warp shuffle trees of the mean, m2 and
// count, a division per combine, the cross-warp stage through shared memory), in CUDA-core lane
// instructions: fitted on the norm/layernorm group of validation/data/random_ops_h100.csv (its
// rows of >= 1e5 rows, where the reduction bounds the time; norm/rmsnorm and the rest held
// out). vectorized_layer_norm_kernel keeps a float count; RowwiseMomentsCUDAKernel's WelfordOps
// carry an int64 count (emulated 64-bit adds and converts in every combine), about twice it.
// A row CTA of vectorized_layer_norm_kernel spends kRowCtaLaneOpsPerThread on its setup, the
// second pass and rstd, and kWelfordLaneOpsPerThread on the Welford reduction; RMS norm reduces
// a plain sum of squares (one shuffle and one add per level against a Welford combine's three
// shuffles, division and updates: about 1/8 of it). The split between the two was read off the
// ratio of the >= 1e5-row rmsnorm and layernorm rows, so norm/rmsnorm is not held out for it.
inline constexpr double kRowCtaLaneOpsPerThread = 170;
inline constexpr double kWelfordLaneOpsPerThread = 160;
inline constexpr double kSumSquaresLaneOpsPerThread = kWelfordLaneOpsPerThread / 8;
inline constexpr double kWelfordMomentsLaneOpsPerThread = 680;

// Eval batch norm over an N x C x pixels channels-last activation
// (batch_norm_transform_input_channels_last_kernel): a 2-D grid over channels x rows, each
// thread walking its rows PARALLEL_LOADS at a time.
arch::gpu::Kernel batch_norm_transform_channels_last(int64_t n, int64_t c, int64_t pixels,
                                                     workloads::DType dtype, const arch::gpu::GpuSpec& spec);

// A broadcasting TensorIterator kernel without vectorization (elementwise_kernel<128, 4>): a
// 3-D batch norm (channels_last_3d) or the bias add PyTorch runs after a cuDNN convolution.
// Integer offset arithmetic per element and operand bounds it, not bandwidth.
arch::gpu::Kernel broadcast_elementwise(const char* name, int64_t numel, int64_t channels, int operands,
                                        workloads::DType dtype, const arch::gpu::GpuSpec& spec);
// The same TensorIterator kernel given its total traffic: strided copies and casts
// (unrolled/elementwise_kernel direct_copy), masked where, reductions over bools.
arch::gpu::Kernel generic_elementwise(const char* name, int64_t numel, double read_bytes, double write_bytes,
                                      int operands, workloads::DType dtype, const arch::gpu::GpuSpec& spec);

// A dtype-changing copy ATen has no vectorized kernel for (all but fp32 -> bf16/fp16, which
// bfloat16_copy / float16_copy vectorize, and same-size copies): unrolled_elementwise_kernel with
// direct_copy's dynamic casting, 128 threads of 4 elements each, every element loaded through a switch on its
// runtime dtype. `read_bytes` / `numel` is the source element's size.
arch::gpu::Kernel unrolled_cast(int64_t numel, double read_bytes, double write_bytes, workloads::DType dtype,
                                const arch::gpu::GpuSpec& spec);
// Whether ATen copies `source_bytes`-byte elements into `dtype` with a vectorized kernel
// (the same size, or fp32 into a 16-bit float).
bool vectorized_cast(double source_bytes, workloads::DType dtype);

// max_pool2d on NHWC (max_pool_forward_nhwc, which also writes int64 argmax indices): one
// thread per (channel group, output column, output row) block, walking its outputs, the window
// taps and its channels with a dependent load per step.
arch::gpu::Kernel max_pool_nhwc(const workloads::PoolParams& p, workloads::DType dtype,
                                const arch::gpu::GpuSpec& spec);

// Mean over the spatial dims of a channels-last activation (adaptive_avg_pool2d to 1x1, the
// squeeze-excitation pools): ATen's reduce_kernel. `pixels` values per output.
arch::gpu::Kernel spatial_mean_reduce(int64_t n, int64_t c, int64_t pixels, workloads::DType dtype,
                                      const arch::gpu::GpuSpec& spec);

// A sum over the innermost axes, `values` per output (an NCHW bias gradient: N x H x W per
// channel): ATen's reduce_kernel<512, 1> configured as Reduce.cuh's setReduceConfig does.
arch::gpu::Kernel inner_sum_reduce(int64_t outputs, int64_t values, workloads::DType dtype,
                                   const arch::gpu::GpuSpec& spec);

// ATen's layer_norm_kernel.cu loads vec_size = 4 elements at a time whatever the dtype (8-byte
// vectors in 16-bit, 16 in fp32), and takes the vectorized kernel only for rows of whole vectors.
constexpr int64_t kLayerNormVectorElems = 4;

// LayerNorm over the last dim (vectorized_layer_norm_kernel): one 128-thread CTA per row.
arch::gpu::Kernel layer_norm_rows(int64_t rows, int64_t cols, workloads::DType dtype,
                                  const arch::gpu::GpuSpec& spec, bool rms = false);

// A cudaMemset node (a cuDNN workspace or a multi-CTA reduction's accumulators being zeroed).
arch::gpu::Kernel memset_node(double bytes, const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
