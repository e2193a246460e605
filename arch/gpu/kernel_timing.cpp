#include "arch/gpu/kernel_timing.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace orrery::arch::gpu {

using workloads::DType;

namespace {

double engine_flops_per_clk(const GpuSpec& spec, const Kernel& k) {
  const auto& cal = spec.calibration;
  switch (k.engine) {
    case Engine::tensor_gemm:
      return spec.tensor_flops_per_clk(k.math_dtype) * cal.tensor_efficiency;
    case Engine::attention:
      return spec.tensor_flops_per_clk(k.math_dtype) * cal.attention_efficiency;
    case Engine::attention_wgmma:
      return spec.tensor_flops_per_clk(k.math_dtype) * cal.attention_wgmma_efficiency;
    case Engine::unaligned_gemm:
      return spec.tensor_flops_per_clk(k.math_dtype) * cal.unaligned_efficiency;
    case Engine::implicit_gemm:
      return spec.tensor_flops_per_clk(k.math_dtype) * cal.conv_efficiency;
    case Engine::simt_gemm:
      return spec.cuda_fp32_flops * cal.simt_efficiency;
    // cuDNN's depthwise kernels run plain FP32 FMAs on the CUDA cores (fp32 accumulation); what
    // bounds the direct one is its latency-bound loop (Kernel::dependent_accesses).
    case Engine::depthwise:
      return spec.cuda_fp32_flops;
    // An elementwise op is one lane-op per clock; the rates count an FMA as 2 FLOP.
    case Engine::stream:
      return (k.math_dtype == DType::fp32 ? spec.cuda_fp32_flops : spec.cuda_fp16_flops) * 0.5;
  }
  return 1;
}

}  // namespace

double math_flops_per_clk(const GpuSpec& spec, const Kernel& k) {
  return engine_flops_per_clk(spec, k) * k.mma_rate_share;
}

double math_flops_per_s(const GpuSpec& spec, const Kernel& k, double f) {
  const double per_clk = math_flops_per_clk(spec, k);
  const double clock_eff = spec.calibration.tensor_clock_efficiency;
  const bool tensor = k.engine == Engine::tensor_gemm || k.engine == Engine::implicit_gemm ||
                      k.engine == Engine::attention || k.engine == Engine::attention_wgmma ||
                      k.engine == Engine::unaligned_gemm;
  if (!tensor || clock_eff <= 0) return per_clk * f;
  // At the max clock a library MMA loop reaches its engine's efficiency; below it, the rate is
  // bounded by that same throughput or by clock_eff of the lower clock's peak, whichever is less.
  const double peak_per_clk = spec.tensor_flops_per_clk(k.math_dtype);
  return std::min(per_clk * spec.max_clock_hz, peak_per_clk * clock_eff * f);
}

double kernel_fixed_seconds(const GpuSpec& spec, const Kernel& k) {
  switch (k.engine) {
    case Engine::tensor_gemm:
    case Engine::implicit_gemm:
    case Engine::unaligned_gemm:
    case Engine::attention:
    case Engine::attention_wgmma:
    case Engine::simt_gemm:
      return spec.calibration.mma_kernel_fixed_s + k.setup_s;
    default:
      return k.setup_s;
  }
}

double dependent_chain_seconds(const GpuSpec& spec, const Kernel& k) {
  return static_cast<double>(k.dependent_accesses) * spec.calibration.dependent_access_s +
         (static_cast<double>(k.dram_round_trips) + k.dram_dependent_accesses) * spec.hbm_latency_s;
}

int64_t resident_slots(const GpuSpec& spec, const Kernel& k) {
  const int64_t fit = spec.sm_count * k.ctas_per_sm;
  return k.max_resident_ctas > 0 ? std::min(fit, k.max_resident_ctas) : fit;
}

double dram_bytes_per_s(const GpuSpec& spec) {
  return spec.hbm_bandwidth_bytes_per_s * spec.calibration.hbm_efficiency;
}

double dram_bytes_per_s(const GpuSpec& spec, const Kernel& k) {
  return k.low_mlp ? spec.hbm_bandwidth_bytes_per_s * spec.calibration.hbm_low_mlp_efficiency
                   : dram_bytes_per_s(spec);
}

namespace {

double pj_per_flop(const GpuSpec& spec, const Kernel& k) {
  switch (k.engine) {
    case Engine::tensor_gemm:
    case Engine::implicit_gemm:
    case Engine::attention_wgmma:
      return spec.tensor_pj_per_flop(k.math_dtype);
    // mma.sync kernels (FlashAttention-2, CUTLASS 2.x) stage every operand fragment through
    // the register file (ldmatrix, then the MMA), where wgmma reads shared memory directly.
    case Engine::attention:
    case Engine::unaligned_gemm:
      return spec.tensor_pj_per_flop(k.math_dtype) * spec.mma_sync_energy_factor;
    case Engine::simt_gemm:
      return spec.pj_per_flop_cuda_fp32;
    case Engine::stream:
      return spec.pj_per_stream_op;
    case Engine::depthwise:
      return k.math_dtype == DType::fp32 ? spec.pj_per_flop_cuda_fp32 : spec.pj_per_flop_cuda_fp16;
  }
  return 0;
}

// Dynamic energy per SM operation at clock f over its value at the max clock: the square of the
// supply voltage, taken linear in the clock between the sustained floor and the max.
double sm_energy_scale(const GpuSpec& spec, double f) {
  const double span = spec.max_clock_hz - spec.sustained_clock_hz;
  if (span <= 0) return 1.0;
  const double below = std::clamp((spec.max_clock_hz - f) / span, 0.0, 1.0);
  const double v = 1.0 - (1.0 - spec.voltage_at_sustained) * below;
  return v * v;
}

// Active, idle and total energy and the average power, from the timing and the per-operation
// energies already in `t`.
void finish_energy(const GpuSpec& spec, KernelTiming& t) {
  const double active_w = spec.active_w + spec.sm_active_w * t.sm_busy_fraction *
                                              sm_energy_scale(spec, t.clock_hz) * t.sm_activity;
  t.energy_active_j = active_w * (t.busy_seconds - t.stall_seconds);
  t.energy_idle_j = spec.idle_w * t.seconds;
  t.energy_j = t.energy_idle_j + t.energy_active_j + t.energy_math_j + t.energy_l2_j + t.energy_dram_j;
  t.power_w =
      spec.idle_w + (t.energy_active_j + t.energy_math_j + t.energy_l2_j + t.energy_dram_j) / t.busy_seconds;
}

// Time of one wave in which `active` CTAs run, at clock f.
struct WaveTime {
  double total = 0, math = 0, memory = 0, stall = 0;
  double busy_sm_share = 1;  // SMs holding at least one CTA, over all SMs
};

WaveTime wave_time(const GpuSpec& spec, const Kernel& k, int64_t active, double f) {
  const int64_t sms = spec.sm_count;
  const int64_t per_sm = std::min<int64_t>(k.ctas_per_sm, (active + sms - 1) / sms);
  const int64_t busy_sms = std::min<int64_t>(sms, active);
  const double share = static_cast<double>(active) / static_cast<double>(k.ctas);
  WaveTime w;
  w.busy_sm_share = static_cast<double>(busy_sms) / static_cast<double>(sms);
  const double math = k.flops_per_cta * static_cast<double>(per_sm) / math_flops_per_s(spec, k, f);
  const double smem =
      k.smem_bytes_per_cta * static_cast<double>(per_sm) / (spec.shared_bandwidth_bytes_per_clk * f);
  const double sfu = k.sfu_ops_per_cta * static_cast<double>(per_sm) / (spec.sfu_ops_per_clk * f);
  // One integer op per FP32 lane per clock (the FP32 rate counts an FMA as 2 FLOP).
  const double lanes = k.lane_ops_per_cta * static_cast<double>(per_sm) / (spec.cuda_fp32_flops * 0.5 * f);
  w.math = k.serial_loads ? math + sfu + lanes + smem : std::max(math + sfu + lanes, smem);
  // L2 bandwidth is spread over the partitions and runs in its own clock domain; a wave using
  // few SMs cannot draw all of it (each SM's load path: sm.load_port_bytes_per_clk at the SM
  // clock), and every CTA receives its whole operand panels, multicast or not.
  const double port_bw = static_cast<double>(busy_sms) * spec.load_port_bytes_per_clk * f;
  const double l2 = std::max(k.l2_bytes * share / spec.l2_bandwidth_bytes_per_s,
                             (k.sm_bytes > 0 ? k.sm_bytes : k.l2_bytes) * share / port_bw);
  const double dram_bw = std::min(dram_bytes_per_s(spec, k), port_bw);
  const double dram = (k.dram_read_bytes + k.dram_write_bytes) * share / dram_bw;
  w.memory = std::max(l2, dram);
  const double tile_overhead = k.tile_m > 0 ? spec.calibration.tile_overhead_cycles / f : 0.0;
  // A CTA that loads, reduces and then stores (one row per CTA) waits at least one DRAM round
  // trip per wave; other CTAs on the SM overlap it only within the wave.
  const double latency_floor = std::max(k.row_per_cta && !k.wave_round_trip ? spec.hbm_latency_s : 0.0,
                                        static_cast<double>(per_sm) * spec.calibration.cta_launch_s);
  const double round_trip = k.wave_round_trip ? spec.hbm_latency_s : 0.0;
  const double dependent = dependent_chain_seconds(spec, k);
  w.total = k.chain_carries_traffic
                ? std::max({w.math, w.memory, latency_floor, dependent}) + tile_overhead
                : std::max({w.math, w.memory, latency_floor}) + tile_overhead + dependent + round_trip;
  w.stall = std::max(0.0, latency_floor - std::max(w.math, w.memory)) + round_trip;
  return w;
}

}  // namespace

KernelTiming time_kernel_at(const GpuSpec& spec, const Kernel& k, LaunchMode mode, double f) {
  if (k.ctas <= 0 || k.ctas_per_sm <= 0 || f <= 0)
    throw SimulationError("gpu kernel '" + k.name + "': empty grid or zero clock");
  KernelTiming t;
  t.clock_hz = f;
  const int64_t slots = resident_slots(spec, k);
  const int64_t full = k.ctas / slots, tail = k.ctas % slots;
  t.waves = full + (tail > 0 ? 1 : 0);
  double sm_share_seconds = 0;  // sum over waves of busy SM share x wave time
  if (full > 0) {
    const WaveTime w = wave_time(spec, k, slots, f);
    sm_share_seconds += static_cast<double>(full) * w.total * w.busy_sm_share;
    t.busy_seconds += static_cast<double>(full) * w.total;
    t.stall_seconds += static_cast<double>(full) * w.stall;
    t.math_seconds += static_cast<double>(full) * w.math;
    t.memory_seconds += static_cast<double>(full) * w.memory;
  }
  if (tail > 0) {
    const WaveTime w = wave_time(spec, k, tail, f);
    sm_share_seconds += w.total * w.busy_sm_share;
    t.busy_seconds += w.total;
    t.stall_seconds += w.stall;
    t.math_seconds += w.math;
    t.memory_seconds += w.memory;
  }
  if (t.busy_seconds > 0) t.sm_busy_fraction = sm_share_seconds / t.busy_seconds;
  // First loads of the first wave (row kernels already wait a round trip in every wave, and a
  // chain of DRAM-missing steps starts with that wait).
  const double first_loads =
      k.row_per_cta || k.wave_round_trip || (k.chain_carries_traffic && k.dram_dependent_accesses > 0)
          ? 0.0
          : spec.hbm_latency_s;
  t.busy_seconds += first_loads + kernel_fixed_seconds(spec, k);
  t.stall_seconds += first_loads + kernel_fixed_seconds(spec, k);
  t.seconds = t.busy_seconds + (mode == LaunchMode::isolated ? spec.launch_overhead_s
                                : mode == LaunchMode::stream
                                    ? spec.graph_kernel_overhead_s + spec.stream_kernel_extra_s
                                    : spec.graph_kernel_overhead_s);
  if (k.memset) t.seconds += spec.memset_node_overhead_s;

  t.energy_math_j =
      (k.flops_per_cta * pj_per_flop(spec, k) + k.lane_ops_per_cta * spec.pj_per_flop_cuda_fp32) *
      static_cast<double>(k.ctas) * 1e-12 * sm_energy_scale(spec, f);
  t.energy_l2_j = k.l2_bytes * spec.l2_pj_per_byte * 1e-12;
  t.energy_dram_j = (k.dram_read_bytes + k.dram_write_bytes) * spec.dram_pj_per_byte * 1e-12;
  // The SMs of a memory-bound kernel mostly wait on loads: they draw a share of the SM power.
  t.sm_activity =
      (k.engine == Engine::stream || k.engine == Engine::depthwise) ? spec.sm_memory_bound_share : 1.0;
  finish_energy(spec, t);
  return t;
}

void with_busy_time(const GpuSpec& spec, KernelTiming& t, double busy_seconds) {
  const double fixed = t.seconds - t.busy_seconds;
  t.busy_seconds = busy_seconds;
  t.seconds = busy_seconds + fixed;
  t.stall_seconds = std::min(t.stall_seconds, busy_seconds);
  finish_energy(spec, t);
}

KernelTiming time_kernel(const GpuSpec& spec, const Kernel& k, LaunchMode mode, bool sustained) {
  KernelTiming t = time_kernel_at(spec, k, mode, spec.max_clock_hz);
  // The board's power limiter averages over milliseconds: a kernel timed alone (cold, with idle
  // gaps around it) runs at the max clock even when its own power is above the limit; back to
  // back in a graph or a loop it settles at the capped clock.
  if (!sustained || t.power_w <= spec.tdp_w) return t;
  // Over the limit: the largest clock whose power meets it (power falls with the clock as the
  // math stretches out), never below the sustained floor.
  double lo = spec.sustained_clock_hz, hi = spec.max_clock_hz;
  KernelTiming at_lo = time_kernel_at(spec, k, mode, lo);
  if (at_lo.power_w > spec.tdp_w) {
    at_lo.power_capped = true;
    return at_lo;
  }
  for (int i = 0; i < 40; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (time_kernel_at(spec, k, mode, mid).power_w > spec.tdp_w)
      hi = mid;
    else
      lo = mid;
  }
  t = time_kernel_at(spec, k, mode, lo);
  t.power_capped = true;
  return t;
}

}  // namespace orrery::arch::gpu
