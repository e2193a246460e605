#pragma once
// Library GEMM kernel choice (cuBLASLt on sm90 as its heuristics approximately behave): among
// the Hopper CTA tiles (64..256 x 8..256, K-step 128 B of operands, as many pipeline stages as
// shared memory holds, up to 8), both operand orders and split-K factors, pick the kernel with
// the least predicted time (wave quantization included). fp32 without TF32 takes CUTLASS-style
// SIMT tiles on the CUDA cores.
#include <cstdint>

#include "arch/gpu/kernel.hpp"
#include "arch/gpu/spec.hpp"

namespace orrery::mappers::gpu {

struct GemmProblem {
  int64_t batch = 1, m = 1, n = 1, k = 1;
  workloads::DType dtype = workloads::DType::fp16;
  bool b_shared = false;      // B (weights) is the same for every batch entry
  double a_dram_bytes = -1;   // per batch entry; < 0: M x K elements (implicit GEMM: the input tensor)
  int64_t k_padded_from = 0;  // informational: implicit GEMM's unpadded reduction length
  std::string prefix = "gemm";
  // Leading dimensions (K of A and B, N of C) are multiples of 16 bytes: TMA/wgmma kernels apply.
  bool aligned = true;
  // Elements per global load where not aligned: 1 = scalar loads (sm75 align1 kernels, no
  // cp.async: LDG to registers, then STS), 2 or 4 = sm80 cp.async kernels with 4/8-byte vectors.
  int64_t align_elems = 8;
  bool implicit = false;  // a convolution's implicit GEMM (cuDNN kernels)
  // Implicit GEMM over a filter: K = taps x channels per tap. A K-step covers one tap's slice of
  // channels, so each tap's channels are rounded up to whole K-steps (0: K is a plain reduction).
  int64_t taps = 0;
  int64_t tile_k = 0;       // K-step in elements; 0: 128 bytes of each operand row
  double c_elem_bytes = 0;  // bytes per C element; 0: by dtype (16-bit for 8/16-bit types, fp32 else)
  // Both operands are stored with the reduction axis outermost (MN-major): a convolution's weight
  // gradient, whose operands (the input's im2col and dY) both reduce over the pixels.
  bool mn_major = false;
};

// One candidate, built the way the library would configure it. Returns a kernel with ctas == 0
// when the tile does not fit shared memory.
arch::gpu::Kernel make_gemm_kernel(const GemmProblem& p, const arch::gpu::GpuSpec& spec, int64_t tile_m,
                                   int64_t tile_n, int64_t split_k, bool swapped);

// The second kernel of a split-K GEMM (cuBLASLt's splitKreduce): sums the fp32 partials of
// `split` slices and writes C.
arch::gpu::Kernel make_splitk_reduce(const GemmProblem& p, const arch::gpu::GpuSpec& spec, int64_t split);

// The kernel the library would choose (its split-K reduce, if any, comes from make_splitk_reduce).
arch::gpu::Kernel choose_gemm_kernel(const GemmProblem& p, const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
