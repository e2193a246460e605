#pragma once
// Convolutions on activations PyTorch holds in NCHW (its default memory format; NCDHW in 3-D):
// cuDNN's fast sm90 kernels are NHWC, so the frontend transposes the input and the filters
// (cudnn::engines_precompiled::nchwToNhwcKernel), zeroes its workspace, runs the NHWC kernels and
// transposes the output back (nhwcToNchwKernel): each transpose reads and writes its tensor once
// (shared/reference/gpu.md; the same kernels in validation/data/model_graph_kernels_h100.csv).
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/conv.hpp"

namespace orrery::mappers::gpu {

// Adds the transposes and the workspace memset around `m` (the NHWC kernels of `c`).
void wrap_nchw_transposes(GpuMapping& m, const workloads::ConvParams& c, workloads::DType dtype,
                          const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
