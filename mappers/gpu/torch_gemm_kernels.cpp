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
  k.dependent_accesses = k.k_iters;  // one K-step in flight: a load round trip per step
  k.chain_carries_traffic = true;
  k.name = "cutlass_80_wmma_tensorop_i161616gemm_s8_128x128_32x2";
  k.useful_flops += static_cast<double>(op.vector_flops());
  m.kernels.push_back(k);
  m.note = "torch._int_mm: CUTLASS sm80 WMMA int8 kernel (mma.sync, two stages)";
  return m;
}

}  // namespace orrery::mappers::gpu
