#pragma once
// Matmuls PyTorch does not hand to cuBLASLt's Hopper kernels.
//   torch._int_mm (int8 x int8 -> int32): `cutlass_80_wmma_tensorop_i161616gemm_s8_..._128x128_32x2`
//   (shared/reference/gpu.md), an Ampere CUTLASS 2.x WMMA kernel, not a Hopper int8 (wgmma/IMMA)
//   path: 128x128 CTA tiles, K-steps of 32, two pipeline stages. Why it is slow: its MMAs issue
//   through mma.sync (calibration.unaligned_efficiency, the CUTLASS 2.x rate) rather than wgmma,
//   and with two stages only one K-step of operands is in flight, so every 32-deep K-step waits a
//   load round trip (one dependent access) where the Hopper kernels keep 4-8 in flight. Skinny
//   shapes also get no split-K: a grid of few 128x128 tiles leaves most SMs idle.
//   torch._scaled_mm (fp8) runs cuBLASLt's sm90 nvjet kernels: the ordinary GEMM path.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/gemm_kernels.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_int_mm(GemmProblem p, const workloads::Op& op, const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
