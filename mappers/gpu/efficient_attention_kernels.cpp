#include "mappers/gpu/efficient_attention_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/checked_math.hpp"
#include "mappers/gpu/attention_kernels.hpp"
#include "mappers/gpu/stream_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Engine;
using arch::gpu::Kernel;
using workloads::DType;

GpuMapping map_efficient_attention(const workloads::AttentionParams& a, DType dtype,
                                   const arch::gpu::GpuSpec& spec) {
  const bool fp32 = dtype == DType::fp32 || dtype == DType::tf32;
  const double ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  const int64_t rf_max_d = fp32 ? 64 : 128;
  const bool rf = a.head_dim <= rf_max_d;
  const int64_t br = rf ? 64 : 32, bc = rf ? (fp32 ? 64 : 128) : 128;
  const double B = static_cast<double>(a.batch), H = static_cast<double>(a.heads),
               S = static_cast<double>(a.q_len), L = static_cast<double>(a.kv_len),
               D = static_cast<double>(a.head_dim);
  const double q_bytes = B * H * S * D * ib,
               kv_bytes = 2.0 * B * static_cast<double>(a.kv_heads) * L * D * ib;
  // 128 threads (4 warps); shared memory holds Q, one K and one V block (and, gmem variant, none
  // of the output): several CTAs per SM, bounded by the registers (~128 per thread).
  const double smem = (static_cast<double>(br) + 2.0 * static_cast<double>(bc)) * D * ib;
  const int64_t by_smem =
      std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(spec.shared_memory_bytes) / smem));
  const int64_t by_regs = std::max<int64_t>(1, spec.register_file_bytes / (128 * 128 * 4));
  const int64_t per_sm = std::min(by_smem, by_regs);
  const int64_t q_blocks = ceil_div(a.q_len, br), kv_blocks = ceil_div(a.kv_len, bc);
  const double blocks = a.causal ? causal_blocks(a, spec, per_sm, br, bc, q_blocks, kv_blocks).timed
                                 : static_cast<double>(kv_blocks);
  const double keys = blocks * static_cast<double>(bc);
  // Head dims run at their 8-aligned size (no padding to a compiled size as FlashAttention has).
  const double d_run = static_cast<double>(ceil_div(a.head_dim, 8) * 8);
  // 3xTF32: three TF32 MMAs per fp32 product (big x big + big x small + small x big).
  const double mma_passes = fp32 ? 3.0 : 1.0;
  Kernel k;
  k.name = fmt::format("fmha_cutlassF_{}_aligned_{}x{}_{}_sm80{}",
                       fp32 ? "f32" : (dtype == DType::bf16 ? "bf16" : "f16"), br, bc, rf ? "rf" : "gmem",
                       a.causal ? "_causal" : "");
  k.engine = Engine::attention;
  k.math_dtype = fp32 ? DType::tf32 : dtype;
  k.ctas = a.batch * a.heads * q_blocks;
  k.ctas_per_sm = per_sm;
  k.tile_m = br;
  k.tile_n = bc;
  k.tile_k = a.head_dim;
  k.stages = 1;
  k.k_iters = std::max<int64_t>(1, static_cast<int64_t>(blocks + 0.5));
  k.dependent_accesses = spec.calibration.attention_cta_chain_steps;
  k.flops_per_cta = 4.0 * static_cast<double>(br) * keys * d_run * mma_passes;
  // Unlike FlashAttention-2 (Q and P held in registers), this kernel's four warps (2 x 2 over the
  // tile) read both operands of both GEMMs from shared memory: Q and K for S = Q K^T, then P,
  // which the softmax wrote back to shared memory, and V for P V; K and V arrive there too. Per
  // key block, in elements: 2 (br + bc) d + 2 bc (br + d) + br bc + 2 bc d. Its phases are
  // separated by barriers (load, GEMM, softmax, store P, GEMM), so they add up rather than overlap.
  const double fbr = static_cast<double>(br), fbc = static_cast<double>(bc);
  const double operands = 2.0 * (fbr + fbc) * d_run + 2.0 * fbc * (fbr + d_run);  // GEMM reads, per block
  k.smem_bytes_per_cta = blocks * ib * (operands + fbr * fbc + 2.0 * fbc * d_run);
  k.serial_loads = true;
  // 3xTF32 splits every fp32 operand it loads into a big and a small TF32 part (round, subtract,
  // round: 3 lane ops an element) before its three MMAs.
  if (fp32) k.lane_ops_per_cta = blocks * 3.0 * operands;
  // exp plus ~6 FP32 ops per score (scale, max, subtract, sum, rescale, convert), as FlashAttention-2.
  k.sfu_ops_per_cta =
      static_cast<double>(br) * keys * (1.0 + 6.0 * spec.sfu_ops_per_clk / (spec.cuda_fp32_flops / 2.0));
  k.useful_flops = 4.0 * B * H * S * L * D * (a.causal ? 0.5 : 1.0);
  // The gmem variant reads and writes its fp32 output accumulator once per key block.
  const double out_traffic =
      rf ? q_bytes : static_cast<double>(k.ctas) * blocks * static_cast<double>(br) * D * 8.0;
  k.l2_bytes =
      static_cast<double>(k.ctas) * (static_cast<double>(br) * D * ib + 2.0 * keys * D * ib) + out_traffic;
  k.dram_read_bytes = q_bytes + kv_bytes;
  set_writes(k, spec, q_bytes + kv_bytes, q_bytes);
  GpuMapping m;
  m.kernels.push_back(k);
  m.note = fp32 ? "memory-efficient attention (CUTLASS, fp32 as 3xTF32 on the tensor cores)"
                : "memory-efficient attention (CUTLASS, mma.sync)";
  return m;
}

}  // namespace orrery::mappers::gpu
