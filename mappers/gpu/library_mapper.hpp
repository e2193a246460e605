#pragma once
// The `library` and `pytorch` mappers: each op becomes the kernel(s) cuBLAS/cuDNN/FlashAttention
// (and, for `pytorch`, ATen: torch_native_kernels.hpp) would launch for it on this GPU. A pure
// function of (op, spec, runtime).
//   gemm        cuBLASLt tile/stages/split-K choice (gemm_kernels.hpp)
//   conv        implicit GEMM over NHWC (M = N*out pixels, N = K/groups, K = C/groups padded
//               to 16 bytes x filter volume; grouped convs batch over groups); depthwise
//               (groups = C, <= 4 outputs per group) is a memory-bound direct kernel; 3-D alike
//   attention   FlashAttention-2 forward: 128-query tiles per (batch, head), causal blocks
//               skip keys past the diagonal (about half the work); q_len <= 16 (decode) is a
//               memory-bound split-KV read of the cache plus a combine kernel
//   the rest    one memory-bound streaming kernel; views (reshape) launch nothing
// Graph lowering (inference, as cuDNN/TensorRT-style fusion and cuBLASLt epilogues do): a batch
// norm or a one-input elementwise op whose only producer is a conv/gemm (or an op already fused
// into one) that feeds nothing else is folded into that kernel's epilogue (no kernel of its own).
#include <string>
#include <vector>

#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/graph.hpp"

namespace orrery::mappers::gpu {

inline constexpr const char* kLibraryMapper = "library";
// The same, with the kernels PyTorch launches where they differ (Runtime::pytorch).
inline constexpr const char* kPytorchMapper = "pytorch";

GpuMapping map_op(const workloads::Op& op, const arch::gpu::GpuSpec& spec, Runtime rt = Runtime::library);

// One mapping per op of `graph`, with the fusion above applied when `fuse` is set.
std::vector<GpuMapping> map_graph(const workloads::Graph& graph, const arch::gpu::GpuSpec& spec, bool fuse,
                                  Runtime rt = Runtime::library);

}  // namespace orrery::mappers::gpu
