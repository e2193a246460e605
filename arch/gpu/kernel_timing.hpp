#pragma once
// Analytical timing and energy of one kernel on a GPU (plain C++, thread-safe).
//
// Time: the grid runs in waves of (SMs x resident CTAs). Each wave takes the longest of
//   math     = flops per CTA x resident CTAs / (peak FLOP/clk/SM x calibrated efficiency x f)
//   smem     = operand bytes per CTA x resident CTAs / (shared bandwidth x f)
//   L2       = the wave's share of L2 traffic / (L2 bandwidth x f)
//   DRAM     = the wave's share of HBM traffic / (peak x calibrated achievable fraction)
// plus a per-tile prologue/epilogue and the CTAs' dependent chain (load -> use steps, DRAM
// latency for those that miss the L2); no shorter than the SM starting its resident CTAs one after
// another (calibration.cta_launch_ns each); a partial last wave (quantization, tail) costs a full
// tile's math but only its own bytes. One HBM latency (first loads) and the launch's fixed
// cost (isolated: timed alone with CUDA events; graph: back-to-back in a CUDA graph) are added.
//
// Clock: the kernel runs at the max clock unless its power there (idle + active + dynamic
// energy / time) exceeds the board limit; then the clock is lowered (bisection) until the
// power meets the limit, but not below the configured sustained clock. The SMs' dynamic energy
// per operation (math, SM active power) scales with the square of their voltage, taken linear
// in the clock (power.voltage_at_sustained); the L2's and DRAM's do not (their own domains).
// Energy: idle power x time + (active power + SM power x share of SMs holding CTAs, a share of
//   it for memory-bound kernels) x busy time + FLOPs x pJ/FLOP(dtype, unit)
//   + L2 bytes x pJ/B + DRAM bytes x pJ/B.
#include <cstdint>

#include "arch/gpu/kernel.hpp"
#include "arch/gpu/spec.hpp"

namespace orrery::arch::gpu {

// isolated: the first kernel of an op timed alone (events around it); stream: a later kernel of
// that op, queued behind it on the stream; graph: a kernel inside a CUDA graph.
enum class LaunchMode { isolated, stream, graph };

struct KernelTiming {
  double seconds = 0;            // wall time including the fixed launch cost
  double host_wait_seconds = 0;  // eager launch: part of `seconds` the GPU idles for the host's dispatch
  double busy_seconds = 0;       // time the SMs work (no launch cost)
  double stall_seconds =
      0;  // part of busy spent waiting with the SMs idle (first loads, setup): no active power
  double sm_busy_fraction = 1;  // share of the SMs holding CTAs, averaged over the waves' time
  double sm_activity = 1;       // share of the SM active power this kernel's SMs draw (memory-bound: less)
  double clock_hz = 0;
  bool power_capped = false;
  int64_t waves = 0;
  double math_seconds = 0;    // sum over waves of the math bound
  double memory_seconds = 0;  // sum over waves of the larger memory bound
  double power_w = 0;         // average board power while busy
  double energy_j = 0;
  double energy_idle_j = 0, energy_active_j = 0, energy_math_j = 0, energy_l2_j = 0, energy_dram_j = 0;
};

// Timing at a fixed SM clock (no power cap).
KernelTiming time_kernel_at(const GpuSpec& spec, const Kernel& k, LaunchMode mode, double clock_hz);

// Timing at the clock the power limiter allows (see above). `sustained`: the kernel runs inside
// a load lasting longer than the limiter's averaging window (a loop, a long graph); otherwise
// (a kernel or one short forward timed alone) it runs at the max clock.
KernelTiming time_kernel(const GpuSpec& spec, const Kernel& k, LaunchMode mode, bool sustained);

// Replaces the busy time (e.g. by the cycle model's) and updates wall time, power and energy.
void with_busy_time(const GpuSpec& spec, KernelTiming& t, double busy_seconds);

// Math rate of one SM for this kernel's engine and dtype at 1 Hz (FLOP per clock, efficiency
// applied). Exposed for the SystemC model, which must use the same rates.
double math_flops_per_clk(const GpuSpec& spec, const Kernel& k);

// Math rate of one SM for this kernel at clock f (FLOP per second): math_flops_per_clk x f, but
// for tensor-core engines no more than their max-clock throughput when the clock is lowered and
// calibration.tensor_clock_efficiency is set.
double math_flops_per_s(const GpuSpec& spec, const Kernel& k, double f);

// Device time a kernel spends outside its waves, whatever its size (tensor-core library kernels).
double kernel_fixed_seconds(const GpuSpec& spec, const Kernel& k);

// A CTA's dependent chain: its load -> use steps (calibration.dependent_access_ns each), plus the
// DRAM latency of those whose load misses the L2 (both fidelities use it).
double dependent_chain_seconds(const GpuSpec& spec, const Kernel& k);

// CTAs resident at once: the SMs' slots, or a persistent grid's size (both fidelities use it).
int64_t resident_slots(const GpuSpec& spec, const Kernel& k);

// Achievable HBM bandwidth in bytes per second (both fidelities use it).
double dram_bytes_per_s(const GpuSpec& spec);
// The HBM bandwidth kernel `k` can draw: dram_bytes_per_s, or the low-MLP share (Kernel::low_mlp).
double dram_bytes_per_s(const GpuSpec& spec, const Kernel& k);

}  // namespace orrery::arch::gpu
