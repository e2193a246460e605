#pragma once
// The kernels cuDNN 9.19 runs around its NHWC implicit-GEMM convolutions to bring the operands
// into the layout and channel alignment those kernels need (as the kernel names of
// validation/data/random_ops_h100_kernels.csv show them, forward and data gradient alike):
//
//   NCHW (PyTorch's default; NCDHW in 3-D): the input activations through
//     cudnn::engines_precompiled::nchwToNhwcKernel (into a zeroed, channel-padded buffer where
//     their channels are not whole 16-byte vectors), the filters through nchwToNhwcKernel (likewise)
//     or, where the filter's leading (output-channel) dimension is not aligned,
//     tensorTransformGeneric (which pads it too); a workspace memset; the kernel; the output back
//     through nhwcToNchwKernel (dropping the padded channels).
//   NHWC: only the padding: a memset and nhwcAddPaddingKernel for each of the input and the
//     filters that need it, and nhwcAddPaddingKernel once more to drop the output's padded channels.
//
// The transposes and padding copies are element-wise: each resident thread moves one element per
// DRAM round trip (Kernel::dram_round_trips), so 16-bit tensors move at about half the rate of fp32
// ones (~2 against ~2.8 TB/s measured for the transposes), below the HBM peak.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/conv.hpp"

namespace orrery::mappers::gpu {

// Whether activations are stored NCHW: the op's layout=, else the config's software default.
bool nchw_layout(workloads::ConvLayout l, const arch::gpu::GpuSpec& spec);

// Channels per 16-byte vector of `dtype`'s storage (8 for 16-bit types, 4 for fp32).
int64_t channel_vector(workloads::DType dtype);

// Adds the layout and padding kernels around `m` (the NHWC kernels of `c`'s pass: forward or
// backward_data) for activations stored as NCHW (`nchw`) or NHWC. `dtype` is the storage type.
void wrap_cudnn_layout(GpuMapping& m, const workloads::ConvParams& c, workloads::DType dtype, bool nchw,
                       const arch::gpu::GpuSpec& spec);

// One element-wise layout kernel (transpose or padding copy) reading `read_elems` and writing
// `write_elems` elements of `dtype`.
arch::gpu::Kernel layout_kernel(const char* name, double read_elems, double write_elems,
                                workloads::DType dtype, const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
