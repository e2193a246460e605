#pragma once
// Convolution as cuDNN runs it on sm90: implicit GEMM over NHWC, or a direct memory-bound
// kernel for depthwise convolution. See library_mapper.hpp.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/ops/conv.hpp"

namespace orrery::mappers::gpu {

// Whether PyTorch gives an NCHW depthwise conv to cuDNN (use_cudnn_depthwise); otherwise ATen's
// own depthwise kernels run it (forward and weight gradient).
bool cudnn_depthwise_nchw(const workloads::ConvParams& c, workloads::DType dtype);

GpuMapping map_conv(const workloads::ConvParams& c, workloads::DType dtype, const arch::gpu::GpuSpec& spec,
                    Runtime rt = Runtime::library);

}  // namespace orrery::mappers::gpu
