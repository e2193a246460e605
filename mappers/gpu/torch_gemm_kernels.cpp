#include "mappers/gpu/torch_gemm_kernels.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_int_mm(GemmProblem p, const workloads::Op& op, const arch::gpu::GpuSpec& spec) {
  p.aligned = false;     // the CUTLASS 2.x (mma.sync) engine, not TMA/wgmma
  p.align_elems = 16;    // 16-byte cp.async vectors (int8 rows must be multiples of 8 for _int_mm)
  p.c_elem_bytes = 4.0;  // int32 output
  p.prefix = "cutlass_80_wmma_tensorop_i161616gemm_s8";
  arch::gpu::Kernel k = make_gemm_kernel(p, spec, 128, 128, 1, false);
  GpuMapping m;
  if (k.ctas == 0) {
    m.kernels.push_back(choose_gemm_kernel(p, spec));
    m.note = "torch._int_mm: no 128x128 tile fits shared memory; the library's choice";
    return m;
  }
  k.stages = 2;
  // One K-step in flight: each step's loads land (a round trip) before its MMAs, which do not
  // overlap them (WMMA fragments are loaded from shared memory after a barrier): the chain adds
  // to the math instead of hiding under it.
  k.dependent_accesses = k.k_iters;
  k.chain_carries_traffic = false;
  // Assumed, from the measured rates (validation/data/random_ops_h100.csv, gemm/int8: ~520 int8
  // OP/clk/SM where 8192 is the wgmma peak): the sm80 WMMA int8 kernel, run on sm90 through its
  // forward-compatible build, issues its IMMAs at the legacy mma.sync FP16 rate, not Hopper's int8 one.
  k.math_dtype = workloads::DType::fp16;
  k.name = "cutlass_80_wmma_tensorop_i161616gemm_s8_128x128_32x2";
  k.useful_flops += static_cast<double>(op.vector_flops());
  m.kernels.push_back(k);
  m.note = "torch._int_mm: CUTLASS sm80 WMMA int8 kernel (mma.sync, two stages)";
  return m;
}

}  // namespace orrery::mappers::gpu
