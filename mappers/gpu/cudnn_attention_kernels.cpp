#include "mappers/gpu/cudnn_attention_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/checked_math.hpp"
#include "mappers/gpu/attention_kernels.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Engine;
using arch::gpu::Kernel;

namespace {

// Per score, besides the two MMAs: one exp on the SFUs and the online softmax's FP32 work in the
// same warps (running max, the scale-and-subtract FMA feeding exp2, the row sum): 3 FP32 ops at
// 128 lanes per clock against 16 exps per clock, charged as SFU-equivalent ops. (FlashAttention-2
// also rescales and converts per score: 6.)
constexpr double kSoftmaxFp32OpsPerScore = 3.0;

struct Sizes {
  double ib, B, H, S, L, D, q_bytes, kv_bytes;
};

Sizes sizes(const workloads::AttentionParams& a, workloads::DType dtype) {
  Sizes z;
  z.ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  z.B = static_cast<double>(a.batch);
  z.H = static_cast<double>(a.heads);
  z.S = static_cast<double>(a.q_len);
  z.L = static_cast<double>(a.kv_len);
  z.D = static_cast<double>(a.head_dim);
  z.q_bytes = z.B * z.H * z.S * z.D * z.ib;
  z.kv_bytes = 2.0 * z.B * static_cast<double>(a.kv_heads) * z.L * z.D * z.ib;
  return z;
}

Kernel fused(std::string name, Engine engine, workloads::DType dtype, const arch::gpu::GpuSpec& spec,
             int64_t ctas, int64_t ctas_per_sm, int64_t br, int64_t bc, int64_t d_kernel, double blocks) {
  const double keys = blocks * static_cast<double>(bc);
  const double sfu_per_score =
      1.0 + kSoftmaxFp32OpsPerScore * spec.sfu_ops_per_clk / (spec.cuda_fp32_flops / 2.0);
  Kernel k;
  k.name = std::move(name);
  k.engine = engine;
  k.math_dtype = dtype;
  k.ctas = ctas;
  k.ctas_per_sm = ctas_per_sm;
  k.tile_m = br;
  k.tile_n = bc;
  k.tile_k = d_kernel;
  k.stages = 2;
  k.k_iters = std::max<int64_t>(1, static_cast<int64_t>(blocks + 0.5));
  k.flops_per_cta = 4.0 * static_cast<double>(br) * keys * static_cast<double>(d_kernel);
  k.sfu_ops_per_cta = static_cast<double>(br) * keys * sfu_per_score;
  return k;
}

GpuMapping prefill(const workloads::AttentionParams& a, workloads::DType dtype,
                   const arch::gpu::GpuSpec& spec) {
  const Sizes z = sizes(a, dtype);
  // Head dims compiled in steps of 64 (the names show 64x128x64 for d = 40 and 64, 64x128x128 for
  // d = 80 and 128).
  const int64_t d_kernel = std::max<int64_t>(64, ceil_div(a.head_dim, 64) * 64);
  constexpr int64_t br = 128, bc = 128;
  // Shared memory: Q (128 x d) and two stages of K and V blocks (128 x d each), 16-bit.
  const double smem = (static_cast<double>(br) + 4.0 * bc) * static_cast<double>(d_kernel) * 2.0;
  const int64_t per_sm =
      std::clamp<int64_t>(static_cast<int64_t>(static_cast<double>(spec.shared_memory_bytes) / smem), 1, 2);
  const int64_t q_blocks = ceil_div(a.q_len, br), kv_blocks = ceil_div(a.kv_len, bc);
  const double blocks = a.causal ? causal_blocks(a, spec, per_sm, br, bc, q_blocks, kv_blocks).timed
                                 : static_cast<double>(kv_blocks);
  // Before sm90 (no wgmma) cuDNN runs its sm80 mma.sync kernels of the same tiling.
  const bool wgmma = spec.compute_capability >= 90;
  Kernel k = fused(fmt::format("cudnn_sdpa_{}_flash_fprop_{}_64x{}x{}{}", wgmma ? "sm90" : "sm80",
                               wgmma ? "wgmma" : "mma", bc, d_kernel, a.causal ? "_causal" : ""),
                   wgmma ? Engine::attention_wgmma : Engine::attention, dtype, spec,
                   a.batch * a.heads * q_blocks, per_sm, br, bc, d_kernel, blocks);
  k.useful_flops = 4.0 * z.B * z.H * z.S * z.L * z.D * (a.causal ? 0.5 : 1.0);
  k.l2_bytes = static_cast<double>(k.ctas) * (static_cast<double>(br) * z.D * z.ib +
                                              2.0 * blocks * static_cast<double>(bc) * z.D * z.ib) +
               z.q_bytes;
  k.dram_read_bytes = z.q_bytes + z.kv_bytes;
  set_writes(k, spec, z.q_bytes + z.kv_bytes, z.q_bytes);
  GpuMapping m;
  m.kernels.push_back(memset_node(4096.0, spec));
  m.kernels.push_back(k);
  m.note = "cuDNN fused attention (sm90 wgmma), after its workspace memset";
  return m;
}

GpuMapping decode(const workloads::AttentionParams& a, workloads::DType dtype,
                  const arch::gpu::GpuSpec& spec) {
  const Sizes z = sizes(a, dtype);
  const int64_t d_kernel = std::max<int64_t>(64, ceil_div(a.head_dim, 64) * 64);
  constexpr int64_t br = 16, bc = 128;
  // The 16-row query tile holds the queries of all the query heads that share a KV head (grouped
  // query attention), so each CTA streams its KV head once for the group: B=76 H=16 kv_heads=1
  // L=344 d=128 ran in 9.2 us, where a CTA per query head would pull 214 MB through the L2.
  const int64_t group = a.heads % a.kv_heads == 0 ? a.heads / a.kv_heads : 1;
  const int64_t row_blocks = ceil_div(a.q_len * group, br);
  // CTAs before any KV split: a query tile per (batch, KV head, block of 16 rows).
  const int64_t tiles = a.batch * (a.heads / group) * row_blocks, kv_blocks = ceil_div(a.kv_len, bc);
  // Lean attention: where those CTAs would leave at least half the SMs idle, the key
  // blocks are spread over the SMs, at least 4 blocks (512 keys) per split (kv = 512 ran unsplit,
  // 4096 and 16384 split). The random sets' kernel names (lean_reduction_kernel or not, 76 decodes
  // of 5+ key blocks) split every grid of up to 64 CTAs and none of 84 or more.
  const int64_t splits =
      2 * tiles <= spec.sm_count
          ? std::clamp<int64_t>(std::min(ceil_div(spec.sm_count, tiles), kv_blocks / 4), 1, kv_blocks)
          : 1;
  const int64_t per_split = ceil_div(kv_blocks, splits);
  // Shared memory holds the query tile and a K and a V block (16-bit): up to 4 CTAs an SM at
  // d <= 64, 3 at 128, one at 256.
  const double smem = (static_cast<double>(br) + 2.0 * bc) * static_cast<double>(d_kernel) * 2.0;
  const int64_t per_sm =
      std::clamp<int64_t>(static_cast<int64_t>(static_cast<double>(spec.shared_memory_bytes) / smem), 1, 4);
  Kernel k = fused(fmt::format("cudnn_sdpa_sm80_flash_fprop_wmma_16x{}x{}", bc, d_kernel), Engine::attention,
                   dtype, spec, tiles * splits, per_sm, br, bc, d_kernel, static_cast<double>(per_split));
  k.useful_flops = 4.0 * z.B * z.H * z.S * z.L * z.D;
  const double partials =
      splits > 1 ? static_cast<double>(splits) * z.B * z.H * z.S * (z.D + 2.0) * 4.0 : 0.0;
  k.l2_bytes =
      2.0 * static_cast<double>(tiles) * z.L * z.D * z.ib + z.q_bytes + (splits > 1 ? partials : z.q_bytes);
  k.dram_read_bytes = z.q_bytes + z.kv_bytes;
  set_writes(k, spec, z.q_bytes + z.kv_bytes, splits > 1 ? partials : z.q_bytes);
  GpuMapping m;
  m.kernels.push_back(k);
  m.note = "cuDNN fused attention, decode (sm80 wmma, 16-row query tile)";
  if (splits > 1) {
    StreamProblem c;
    c.name = "cudnn_lean_reduction";
    c.dtype = dtype;
    c.read_bytes = partials;
    c.write_bytes = z.q_bytes;
    c.max_ctas = tiles;
    m.kernels.push_back(make_stream_kernel(c, spec));
    m.note += fmt::format("; lean attention over {} key splits, then lean_reduction_kernel", splits);
  }
  return m;
}

}  // namespace

GpuMapping map_cudnn_attention_backward(const workloads::AttentionParams& a, workloads::DType dtype,
                                        const arch::gpu::GpuSpec& spec) {
  const Sizes z = sizes(a, dtype);
  // The measured kernels (cudnn_generated_fort_native_sdpa_sm90_flash_bprop_wgmma_f16_knob_26_
  // 64x64x{64,128,256}_1x4x1 in every random and training set) tile 64 keys by 64 queries and
  // compile head dims in powers of two: d = 32 and 64 ran the 64 kernel, 80-128 the 128, 256 the
  // 256.
  int64_t d_kernel = 64;
  while (d_kernel < a.head_dim) d_kernel *= 2;
  // A CTA owns 64 keys and walks the query blocks of 64: per score it recomputes S = Q K^T and
  // P = exp(S - lse), forms dP = dO V^T and dS = P (dP - D), and accumulates dV += P^T dO,
  // dK += dS^T Q and dQ += dS K (fp32 atomics into a workspace): five MMAs of the forward's
  // two, the exp and ~4 FP32 ops per score.
  constexpr int64_t bc = 64, br = 64;
  const int64_t k_blocks = ceil_div(a.kv_len, bc), q_blocks = ceil_div(a.q_len, br);
  const bool wgmma = spec.compute_capability >= 90;
  const double blocks = a.causal ? 0.5 * static_cast<double>(q_blocks + 1) : static_cast<double>(q_blocks);
  Kernel k = fused(fmt::format("cudnn_sdpa_{}_flash_bprop_{}_{}x{}x{}{}", wgmma ? "sm90" : "sm80",
                               wgmma ? "wgmma" : "mma", br, bc, d_kernel, a.causal ? "_causal" : ""),
                   wgmma ? Engine::attention_wgmma : Engine::attention, dtype, spec,
                   a.batch * a.heads * k_blocks, 1, bc, br, d_kernel, blocks);
  k.flops_per_cta *= 2.5;  // five MMAs per score block instead of two
  k.mma_rate_share = spec.calibration.attention_backward_efficiency;
  k.sfu_ops_per_cta *= (1.0 + 4.0 * spec.sfu_ops_per_clk / (spec.cuda_fp32_flops / 2.0)) /
                       (1.0 + kSoftmaxFp32OpsPerScore * spec.sfu_ops_per_clk / (spec.cuda_fp32_flops / 2.0));
  k.useful_flops = 10.0 * z.B * z.H * z.S * z.L * z.D * (a.causal ? 0.5 : 1.0);
  const double q_visits = static_cast<double>(k.ctas) * blocks * static_cast<double>(br);
  // Per visited query block: Q and dO in (16-bit), lse and D (fp32), dQ's fp32 atomics out.
  k.l2_bytes = q_visits * (2.0 * z.D * z.ib + 8.0 + 2.0 * z.D * 4.0) + 2.0 * z.kv_bytes;
  const double dq_acc = z.B * z.H * z.S * z.D * 4.0;
  // Grouped-query attention: each query head's CTAs write their own fp32 dK and dV, which
  // fmha_reduce_head then sums over the heads sharing a KV head (two kernels in the measured
  // GQA backwards, none in the others).
  const bool grouped = a.kv_heads < a.heads;
  const double per_head_kv = 2.0 * z.B * z.H * z.L * z.D * 4.0;
  k.dram_read_bytes = 2.0 * z.q_bytes + z.kv_bytes + z.B * z.H * z.S * 8.0;
  set_writes(k, spec, k.dram_read_bytes, (grouped ? per_head_kv : z.kv_bytes) + dq_acc);
  GpuMapping m;
  // A small workspace memset (0.8-1.2 us measured at every size), then D = rowsum(dO * O); the
  // same kernel zeroes the fp32 dQ accumulator (its time follows dO, O and dQ's fp32 bytes:
  // 2.8 TB/s over the three at B=261 H=40 S=39 d=64 and at B=22 H=8 S=320 d=128).
  m.kernels.push_back(memset_node(z.B * z.H * 4.0, spec));
  StreamProblem dot;
  dot.name = "cudnn_sdpa_dot_do_o";
  dot.dtype = dtype;
  dot.read_bytes = 2.0 * z.q_bytes;
  dot.write_bytes = z.B * z.H * z.S * 4.0 + dq_acc;
  dot.flops = 2.0 * z.B * z.H * z.S * z.D;
  m.kernels.push_back(make_stream_kernel(dot, spec));
  m.kernels.push_back(k);
  StreamProblem convert;
  convert.name = "cudnn_sdpa_dq_convert";  // the fp32 dQ accumulator to the op's dtype
  convert.dtype = dtype;
  convert.read_bytes = dq_acc;
  convert.write_bytes = z.q_bytes;
  convert.flops = z.B * z.H * z.S * z.D;
  m.kernels.push_back(make_stream_kernel(convert, spec));
  if (grouped) {
    for (const char* which : {"cudnn_fmha_reduce_head_dk", "cudnn_fmha_reduce_head_dv"}) {
      StreamProblem r;
      r.name = which;
      r.dtype = dtype;
      r.read_bytes = per_head_kv / 2.0;
      r.write_bytes = z.kv_bytes / 2.0;
      r.flops = per_head_kv / 8.0;
      m.kernels.push_back(make_stream_kernel(r, spec));
    }
  }
  m.note = grouped ? "cuDNN fused attention backward (memset, dO.O rowsum zeroing dQ, bprop, dQ convert, "
                     "dK/dV summed over each KV head's query heads)"
                   : "cuDNN fused attention backward (memset, dO.O rowsum zeroing dQ, bprop, dQ convert)";
  return m;
}

GpuMapping map_cudnn_attention(const workloads::AttentionParams& a, workloads::DType dtype,
                               const arch::gpu::GpuSpec& spec) {
  return a.q_len <= 16 ? decode(a, dtype, spec) : prefill(a, dtype, spec);
}

}  // namespace orrery::mappers::gpu
