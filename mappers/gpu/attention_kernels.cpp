#include "mappers/gpu/attention_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "common/checked_math.hpp"
#include "mappers/gpu/stream_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Engine;
using arch::gpu::Kernel;

int64_t fa2_num_splits(int64_t blocks, int64_t slots, int64_t n_blocks, int64_t max_splits) {
  // FlashAttention-2's published heuristic: no split once the blocks fill 80 % of the slots;
  // otherwise the fewest splits whose wave efficiency (blocks x splits over whole waves of
  // slots) is within 85 % of the best, skipping split counts that give the same blocks per
  // split as one fewer.
  if (10 * blocks >= 8 * slots) return 1;
  max_splits = std::min({max_splits, slots, n_blocks});
  const auto eligible = [&](int64_t s) {
    return s == 1 || ceil_div(n_blocks, s) != ceil_div(n_blocks, s - 1);
  };
  const auto efficiency = [&](int64_t s) {
    const double waves = static_cast<double>(blocks * s) / static_cast<double>(slots);
    return waves / std::ceil(waves);
  };
  double best = 0;
  for (int64_t s = 1; s <= max_splits; ++s)
    if (eligible(s)) best = std::max(best, efficiency(s));
  for (int64_t s = 1; s <= max_splits; ++s)
    if (eligible(s) && efficiency(s) >= 0.85 * best) return s;
  return 1;
}

// Key blocks per CTA that the causal grid's busiest SM implies. CTAs differ (up to the
// diagonal); the grid ends with its busiest SM: the CTAs (longest query blocks first within each
// head, as they launch) go to the least-loaded SM, whose resident CTAs share its MMA rate; the
// timing then uses the per-CTA work that gives that SM's total, not the average.
CausalBlocks causal_blocks(const workloads::AttentionParams& a, const arch::gpu::GpuSpec& spec,
                           int64_t ctas_per_sm, int64_t br, int64_t bc, int64_t q_blocks, int64_t kv_blocks) {
  std::vector<int64_t> per_q(static_cast<size_t>(q_blocks));
  double sum = 0;
  for (int64_t i = 0; i < q_blocks; ++i) {
    per_q[static_cast<size_t>(i)] = std::min<int64_t>(kv_blocks, ((i + 1) * br + bc - 1) / bc);
    sum += static_cast<double>(per_q[static_cast<size_t>(i)]);
  }
  CausalBlocks out;
  out.average = sum / static_cast<double>(q_blocks);
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
  out.timed = std::max(out.average, static_cast<double>(busiest) / per_sm_units);
  return out;
}

namespace {

// What every FlashAttention-2 kernel of one attention op shares: sizes, the padded head dim the
// kernel is compiled for, and the per-CTA math of `flash_kernel`.
struct Flash {
  const workloads::AttentionParams& a;
  workloads::DType dtype;
  const arch::gpu::GpuSpec& spec;
  double ib, B, H, S, L, D;
  double q_bytes, o_bytes, kv_bytes;
  int64_t d_kernel;
  double Dk;
  int64_t ctas_per_sm;
  double sfu_per_score;

  Flash(const workloads::AttentionParams& a_, workloads::DType dtype_, const arch::gpu::GpuSpec& spec_)
      : a(a_), dtype(dtype_), spec(spec_) {
    ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
    B = static_cast<double>(a.batch);
    H = static_cast<double>(a.heads);
    S = static_cast<double>(a.q_len);
    L = static_cast<double>(a.kv_len);
    D = static_cast<double>(a.head_dim);
    q_bytes = B * H * S * D * ib;
    o_bytes = q_bytes;
    kv_bytes = 2.0 * B * static_cast<double>(a.kv_heads) * L * D * ib;
    // FlashAttention-2's kernels are compiled for head dims 32, 64, 96, 128, 160, 192, 224 and
    // 256: others run the next larger one, zero-padded (Flash_fwd_kernel_traits<64, ...> for
    // d = 40 in ops_h100.csv's kernel names), so the MMAs and shared-memory tiles are the padded
    // size's.
    d_kernel = std::max<int64_t>(32, (a.head_dim + 31) / 32 * 32);
    Dk = static_cast<double>(d_kernel);
    ctas_per_sm = d_kernel <= 64 ? 2 : 1;
    // Per score: one exp on the SFUs plus the online-softmax FP32 work FlashAttention-2 does in
    // the same warps between its two MMAs (scale, running max, subtract, row sum, convert: ~6
    // FP32 ops at 128 per clock against 16 exps per clock), charged as SFU-equivalent ops.
    constexpr double kSoftmaxFp32OpsPerScore = 6.0;
    sfu_per_score = 1.0 + kSoftmaxFp32OpsPerScore * spec.sfu_ops_per_clk / (spec.cuda_fp32_flops / 2.0);
  }

  // One kernel: `ctas` CTAs of `br` queries, each over `blocks` key blocks of `bc` (the padded
  // head dim's MMAs and exps); the caller adds its traffic. Each CTA's own chain around its
  // main loop (Q and the first K/V blocks in, then the final rescale and the output store) is
  // calibration.attention_cta_chain_steps dependent accesses per wave, fitted on the calibration
  // rows (8.4 % there; 9.5 % without, where every small grid came out 15-25 % fast).
  Kernel kernel(std::string name, int64_t ctas, int64_t br, int64_t bc, double blocks) const {
    const double keys = blocks * static_cast<double>(bc);
    Kernel k;
    k.name = std::move(name);
    k.engine = Engine::attention;
    k.math_dtype = dtype;
    k.ctas = ctas;
    k.ctas_per_sm = ctas_per_sm;
    k.tile_m = br;
    k.tile_n = bc;
    k.tile_k = a.head_dim;
    k.stages = 2;
    k.dependent_accesses = spec.calibration.attention_cta_chain_steps;
    k.k_iters = std::max<int64_t>(1, static_cast<int64_t>(blocks + 0.5));
    k.flops_per_cta = 4.0 * static_cast<double>(br) * keys * Dk;
    k.sfu_ops_per_cta = static_cast<double>(br) * keys * sfu_per_score;
    k.dram_read_bytes = q_bytes + kv_bytes;
    return k;
  }
};

// Split-KV: 64 queries per CTA, each split a contiguous run of key blocks; a causal CTA stops at
// the diagonal (and one wholly past it exits at once). Then the combine kernel.
GpuMapping map_split_kv(const Flash& f, int64_t splits, int64_t bc, int64_t m_blocks, int64_t n_blocks) {
  const auto& a = f.a;
  constexpr int64_t br = 64;
  const int64_t bh = a.batch * a.heads;
  const int64_t per_split = (n_blocks + splits - 1) / splits;
  double visited = 0;
  for (int64_t mb = 0; mb < m_blocks; ++mb) {
    const int64_t last_key = a.causal ? std::min(a.kv_len, (mb + 1) * br + (a.kv_len - a.q_len)) : a.kv_len;
    const int64_t limit = (last_key + bc - 1) / bc;
    for (int64_t sp = 0; sp < splits; ++sp)
      visited += static_cast<double>(std::clamp<int64_t>(limit - sp * per_split, 0, per_split));
  }
  // Without a mask every split but the last is full, and the wave waits for those; causal
  // CTAs differ and spread over the waves (their average).
  const double blocks =
      a.causal ? visited / static_cast<double>(m_blocks * splits) : static_cast<double>(per_split);
  const double keys = blocks * static_cast<double>(bc);
  Kernel k = f.kernel(fmt::format("flash_fwd_splitkv_{}", splits), bh * m_blocks * splits, br, bc, blocks);
  k.useful_flops = 4.0 * f.B * f.H * f.S * f.L * f.D * (a.causal && a.q_len > 1 ? 0.5 : 1.0);
  const double partials = static_cast<double>(splits) * f.B * f.H * f.S * (f.D + 2) * 4.0;
  k.l2_bytes =
      static_cast<double>(k.ctas) * (static_cast<double>(br) * f.D * f.ib + 2.0 * keys * f.D * f.ib) +
      partials;
  set_writes(k, f.spec, f.q_bytes + f.kv_bytes, partials);
  GpuMapping m;
  m.kernels.push_back(k);
  StreamProblem c;
  c.name = "flash_fwd_splitkv_combine";
  c.dtype = f.dtype;
  c.read_bytes = partials;
  c.write_bytes = f.o_bytes;
  c.max_ctas = bh * m_blocks;
  m.kernels.push_back(make_stream_kernel(c, f.spec));
  m.note = "FlashAttention-2 split-KV (the query blocks alone leave SMs idle), then the combine";
  return m;
}

// Decode without splits: the regular kernel computes a whole query block of 128 rows, its real
// rows padded (key blocks of 128 for d <= 64, else 64), as the kernel traits in the measured
// names show.
GpuMapping map_decode(const Flash& f) {
  const auto& a = f.a;
  const int64_t br = 128, bc = f.d_kernel <= 64 ? 128 : 64;
  const int64_t blocks = (a.kv_len + bc - 1) / bc;
  const double keys = static_cast<double>(blocks * bc);
  Kernel k = f.kernel(fmt::format("flash_fwd_{}x{}_d{}_decode", br, bc, a.head_dim), a.batch * a.heads, br,
                      bc, static_cast<double>(blocks));
  k.useful_flops = 4.0 * f.B * f.H * f.S * f.L * f.D;
  k.l2_bytes = static_cast<double>(k.ctas) * 2.0 * keys * f.D * f.ib + f.q_bytes + f.o_bytes;
  set_writes(k, f.spec, f.q_bytes + f.kv_bytes, f.o_bytes);
  GpuMapping m;
  m.kernels.push_back(k);
  m.note = "decode: FlashAttention-2 over the KV cache";
  return m;
}

// FlashAttention-2 forward: 128 queries per CTA; key blocks of 128 (D <= 64) or 64.
GpuMapping map_prefill(const Flash& f) {
  const auto& a = f.a;
  const int64_t br = 128, bc = f.d_kernel <= 64 ? 128 : 64;
  const int64_t q_blocks = (a.q_len + br - 1) / br;
  const int64_t kv_blocks = (a.kv_len + bc - 1) / bc;
  const double timed_blocks = a.causal
                                  ? causal_blocks(a, f.spec, f.ctas_per_sm, br, bc, q_blocks, kv_blocks).timed
                                  : static_cast<double>(kv_blocks);
  const double keys = timed_blocks * static_cast<double>(bc);
  Kernel k = f.kernel(fmt::format("flash_fwd_{}x{}_d{}{}", br, bc, a.head_dim, a.causal ? "_causal" : ""),
                      a.batch * a.heads * q_blocks, br, bc, timed_blocks);
  k.useful_flops = 4.0 * f.B * f.H * f.S * f.L * f.D * (a.causal ? 0.5 : 1.0);
  k.l2_bytes =
      static_cast<double>(k.ctas) * (static_cast<double>(br) * f.D * f.ib + 2.0 * keys * f.D * f.ib) +
      f.o_bytes;
  set_writes(k, f.spec, f.q_bytes + f.kv_bytes, f.o_bytes);
  GpuMapping m;
  m.kernels.push_back(k);
  m.note = "FlashAttention-2 forward";
  return m;
}

}  // namespace

GpuMapping map_attention(const workloads::AttentionParams& a, workloads::DType dtype,
                         const arch::gpu::GpuSpec& spec) {
  // A grouped-query decode (one query, H/H_k query heads per KV head) runs with the groups swapped
  // into the query length (FlashAttention-2's seqlenq_ngroups_swapped: q viewed as H_k heads of
  // H/H_k queries, head dims a multiple of 8, no mask), so a CTA reads each KV head once for its
  // whole group instead of once per query head.
  if (a.q_len == 1 && a.heads > a.kv_heads && a.heads % a.kv_heads == 0 && a.head_dim % 8 == 0 &&
      !a.backward) {
    workloads::AttentionParams swapped = a;
    swapped.q_len = a.heads / a.kv_heads;
    swapped.heads = a.kv_heads;
    swapped.causal = false;  // one query sees every key
    return map_attention(swapped, dtype, spec);
  }
  const Flash f(a, dtype, spec);
  // FlashAttention-2 (as PyTorch bundles it) splits the keys whenever the grid of 64-query
  // blocks would leave the machine poorly used, prefill and decode alike (the split-KV kernel's
  // names in ops_h100.csv and ops3_h100.csv: B=16 H=12 decode and B=1 H=12 S=1024 causal).
  const int64_t split_bc = f.d_kernel <= 64 ? 256 : (f.d_kernel <= 128 ? 128 : 64);
  const int64_t split_m_blocks = (a.q_len + 63) / 64;
  const int64_t split_n_blocks = (a.kv_len + split_bc - 1) / split_bc;
  const int64_t splits =
      fa2_num_splits(a.batch * a.heads * split_m_blocks, 2 * spec.sm_count, split_n_blocks, 128);
  if (splits > 1) return map_split_kv(f, splits, split_bc, split_m_blocks, split_n_blocks);
  if (a.q_len <= 16) return map_decode(f);
  return map_prefill(f);
}

}  // namespace orrery::mappers::gpu
