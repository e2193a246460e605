#include "mappers/gpu/attention_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <queue>
#include <vector>

#include "mappers/gpu/stream_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Engine;
using arch::gpu::Kernel;

GpuMapping map_attention(const workloads::AttentionParams& a, workloads::DType dtype, const arch::gpu::GpuSpec& spec) {
  GpuMapping m;
  const double ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  const double B = static_cast<double>(a.batch), H = static_cast<double>(a.heads);
  const double S = static_cast<double>(a.q_len), L = static_cast<double>(a.kv_len), D = static_cast<double>(a.head_dim);
  const double q_bytes = B * H * S * D * ib, o_bytes = q_bytes;
  const double kv_bytes = 2.0 * B * static_cast<double>(a.kv_heads) * L * D * ib;
  // FlashAttention-2's kernels are compiled for head dims 32, 64, 96, 128, 160, 192, 224 and
  // 256: others run the next larger one, zero-padded (Flash_fwd_kernel_traits<64, ...> for d = 40
  // in ops_h100.csv's kernel names), so the MMAs and shared-memory tiles are the padded size's.
  const int64_t d_kernel = std::max<int64_t>(32, (a.head_dim + 31) / 32 * 32);
  const double Dk = static_cast<double>(d_kernel);
  const int64_t ctas_per_sm = d_kernel <= 64 ? 2 : 1;
  // Per score: one exp on the SFUs plus the online-softmax FP32 work FlashAttention-2 does in
  // the same warps between its two MMAs (scale, running max, subtract, row sum, convert: ~6
  // FP32 ops at 128 per clock against 16 exps per clock), charged as SFU-equivalent ops.
  constexpr double kSoftmaxFp32OpsPerScore = 6.0;
  const double sfu_per_score = 1.0 + kSoftmaxFp32OpsPerScore * spec.sfu_ops_per_clk / (spec.cuda_fp32_flops / 2.0);
  if (a.q_len <= 16) {
    // Decode. FlashAttention-2 splits the KV sequence only while (batch x heads) leaves SMs idle
    // (one split from 80 % of the SMs up), then combines the splits. Either kernel computes a
    // whole query block, its one real row padded: 128 rows in the regular kernel (key blocks of
    // 128 for d <= 64, else 64), 64 in the split-KV one (key blocks of 256, else 128), as the
    // kernel traits in the measured names show.
    const int64_t bh = a.batch * a.heads;
    const int64_t max_splits = std::max<int64_t>(1, a.kv_len / 128);
    const int64_t splits = 10 * bh >= 8 * spec.sm_count
                               ? 1
                               : std::clamp<int64_t>((2 * spec.sm_count + bh - 1) / bh, 1,
                                                     std::min<int64_t>(max_splits, 128));
    const int64_t br = splits > 1 ? 64 : 128;
    const int64_t bc = splits > 1 ? (d_kernel <= 64 ? 256 : 128) : (d_kernel <= 64 ? 128 : 64);
    const int64_t blocks = ((a.kv_len + splits - 1) / splits + bc - 1) / bc;
    const double keys = static_cast<double>(blocks * bc);
    Kernel k;
    k.name = splits > 1 ? fmt::format("flash_fwd_splitkv_{}", splits)
                        : fmt::format("flash_fwd_{}x{}_d{}_decode", br, bc, a.head_dim);
    k.engine = Engine::attention;
    k.math_dtype = dtype;
    k.ctas = bh * splits;
    k.ctas_per_sm = ctas_per_sm;
    k.tile_m = br;
    k.tile_n = bc;
    k.tile_k = a.head_dim;
    k.stages = 2;
    k.k_iters = blocks;
    k.flops_per_cta = 4.0 * static_cast<double>(br) * keys * Dk;
    k.sfu_ops_per_cta = static_cast<double>(br) * keys * sfu_per_score;
    k.useful_flops = 4.0 * B * H * S * L * D;
    const double partials = splits > 1 ? static_cast<double>(splits) * B * H * S * (D + 2) * 4.0 : o_bytes;
    k.l2_bytes = static_cast<double>(k.ctas) * 2.0 * keys * D * ib + q_bytes + partials;
    k.dram_read_bytes = q_bytes + kv_bytes;
    k.dram_write_bytes = write_back_bytes(spec, q_bytes + kv_bytes, partials);
    m.kernels.push_back(k);
    if (splits > 1) {
      StreamProblem c;
      c.name = "flash_fwd_splitkv_combine";
      c.dtype = dtype;
      c.read_bytes = partials;
      c.write_bytes = o_bytes;
      c.max_ctas = bh;
      m.kernels.push_back(make_stream_kernel(c, spec));
    }
    m.note = "decode: FlashAttention-2 over the KV cache (split-KV where the heads leave SMs idle)";
    return m;
  }
  // FlashAttention-2 forward: 128 queries per CTA; key blocks of 128 (D <= 64) or 64.
  const int64_t br = 128, bc = d_kernel <= 64 ? 128 : 64;
  const int64_t q_blocks = (a.q_len + br - 1) / br;
  const int64_t kv_blocks = (a.kv_len + bc - 1) / bc;
  // Key blocks one CTA visits (causal: up to the diagonal, so CTAs differ). The grid ends with
  // its busiest SM: the CTAs (longest query blocks first within each head, as they launch) go
  // to the least-loaded SM, whose resident CTAs share its MMA rate; the timing then uses the
  // per-CTA work that gives that SM's total, not the average.
  double blocks = static_cast<double>(kv_blocks), timed_blocks = blocks;
  if (a.causal) {
    std::vector<int64_t> per_q(static_cast<size_t>(q_blocks));
    double sum = 0;
    for (int64_t i = 0; i < q_blocks; ++i) {
      per_q[static_cast<size_t>(i)] = std::min<int64_t>(kv_blocks, ((i + 1) * br + bc - 1) / bc);
      sum += static_cast<double>(per_q[static_cast<size_t>(i)]);
    }
    blocks = sum / static_cast<double>(q_blocks);
    const int64_t ctas = a.batch * a.heads * q_blocks, sms = spec.sm_count;
    std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> load;
    for (int64_t s = 0; s < std::min(sms, ctas); ++s) load.push(0);
    int64_t busiest = 0;
    for (int64_t c = 0; c < ctas; ++c) {
      const int64_t total = load.top() + per_q[static_cast<size_t>(q_blocks - 1 - c % q_blocks)];
      load.pop();
      load.push(total);
      busiest = std::max(busiest, total);
    }
    // The wave model charges, per SM, (CTAs resident on it) x (work per CTA) in each wave.
    const int64_t slots = sms * ctas_per_sm;
    double per_sm_units = 0;
    for (int64_t done = 0; done < ctas; done += slots) {
      const int64_t active = std::min(slots, ctas - done);
      per_sm_units += static_cast<double>(std::min(ctas_per_sm, (active + sms - 1) / sms));
    }
    timed_blocks = std::max(blocks, static_cast<double>(busiest) / per_sm_units);
  }
  const double keys = timed_blocks * static_cast<double>(bc);
  Kernel k;
  k.name = fmt::format("flash_fwd_{}x{}_d{}{}", br, bc, a.head_dim, a.causal ? "_causal" : "");
  k.engine = Engine::attention;
  k.math_dtype = dtype;
  k.ctas = a.batch * a.heads * q_blocks;
  k.ctas_per_sm = ctas_per_sm;
  k.tile_m = br;
  k.tile_n = bc;
  k.tile_k = a.head_dim;
  k.stages = 2;
  k.k_iters = static_cast<int64_t>(timed_blocks + 0.5);
  k.flops_per_cta = 4.0 * static_cast<double>(br) * keys * Dk;
  k.sfu_ops_per_cta = static_cast<double>(br) * keys * sfu_per_score;
  k.useful_flops = 4.0 * B * H * S * L * D * (a.causal ? 0.5 : 1.0);
  k.l2_bytes = static_cast<double>(k.ctas) * (static_cast<double>(br) * D * ib + 2.0 * keys * D * ib) + o_bytes;
  k.dram_read_bytes = q_bytes + kv_bytes;
  k.dram_write_bytes = write_back_bytes(spec, q_bytes + kv_bytes, o_bytes);
  m.kernels.push_back(k);
  m.note = "FlashAttention-2 forward";
  return m;
}

}  // namespace orrery::mappers::gpu
