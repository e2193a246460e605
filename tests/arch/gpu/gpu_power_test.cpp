// Hand-derived power and energy of one kernel (arch/gpu/kernel_timing): active power split into
// the chip's and the busy SMs', the memory-bound share of the latter, the voltage scaling of SM
// dynamic energy with the clock, and the MMA rate of a kernel run below the max clock.
#include <gtest/gtest.h>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/spec.hpp"
#include "arch/registry.hpp"
#include "tests/arch/gpu/gpu_test_config.hpp"

namespace orrery::arch::gpu {
namespace {

GpuSpec spec_with(const std::vector<config::Override>& overrides) {
  return make_spec(load_arch_text(test::gpu_test_config(), "gpu_test.yaml", overrides));
}

// 33 CTAs, one per SM, each 4096 x 1980 FLOP of fp16 MMA: 1 us at 1980 MHz and efficiency 1.
Kernel quarter_grid(Engine engine) {
  Kernel k;
  k.name = "quarter";
  k.engine = engine;
  k.ctas = 33;
  k.ctas_per_sm = 1;
  k.flops_per_cta = 4096.0 * 1980.0;
  return k;
}

// The test config has no latency, launch cost or tile overhead: busy = 1 us, no stall.
// Energy = idle 100 W x 1 us + (chip 20 W + 132 W x 33/132 SMs) x 1 us
//        + 33 x 8,110,080 FLOP x 0.6 pJ = 100 + 53 + 160.58 uJ.
TEST(GpuPower, ActivePowerFollowsTheBusySms) {
  const GpuSpec spec = spec_with({{"power.active_w", "20"}, {"power.sm_active_w", "132"}});
  const KernelTiming t =
      time_kernel_at(spec, quarter_grid(Engine::tensor_gemm), LaunchMode::isolated, 1980e6);
  EXPECT_NEAR(t.busy_seconds, 1e-6, 1e-15);
  EXPECT_NEAR(t.sm_busy_fraction, 0.25, 1e-12);
  EXPECT_NEAR(t.energy_active_j, 53e-6, 1e-12);
  EXPECT_NEAR(t.energy_j, 100e-6 + 53e-6 + 33 * 4096.0 * 1980.0 * 0.6e-12, 1e-12);
  // A memory-bound kernel's SMs draw power.sm_memory_bound_share of the SM part: 20 + 33 x 0.5.
  const GpuSpec half = spec_with(
      {{"power.active_w", "20"}, {"power.sm_active_w", "132"}, {"power.sm_memory_bound_share", "0.5"}});
  const KernelTiming s = time_kernel_at(half, quarter_grid(Engine::stream), LaunchMode::isolated, 1980e6);
  EXPECT_NEAR(s.energy_active_j / s.busy_seconds, 20.0 + 33.0 * 0.5, 1e-9);
}

// Voltage linear in the clock from 1 at 1980 MHz to 0.5 at the sustained 1000 MHz: at 1490 MHz
// it is 1 - 0.5 x 490/980 = 0.75, so the SMs' dynamic energy per operation is 0.5625 of its
// max-clock value (the math energy; the SM part of active power per second).
TEST(GpuPower, SmEnergyScalesWithVoltageSquared) {
  const GpuSpec spec = spec_with({{"power.sm_active_w", "132"}, {"power.voltage_at_sustained", "0.5"}});
  const Kernel k = quarter_grid(Engine::tensor_gemm);
  const KernelTiming fast = time_kernel_at(spec, k, LaunchMode::isolated, 1980e6);
  const KernelTiming slow = time_kernel_at(spec, k, LaunchMode::isolated, 1490e6);
  EXPECT_NEAR(slow.energy_math_j / fast.energy_math_j, 0.5625, 1e-12);
  EXPECT_NEAR((slow.energy_active_j / slow.busy_seconds) / (fast.energy_active_j / fast.busy_seconds), 0.5625,
              1e-12);
}

// tensor_efficiency 0.5 and tensor_clock_efficiency 1: at 1980 MHz the MMA rate is half the peak,
// 0.5 x 4096 x 1980e6 FLOP/s (2 us for the CTA). Lowering the clock costs no time until
// 1 x 4096 x f falls below that, at f = 990 MHz; at 900 MHz the CTA takes 2 us x 990/900.
TEST(GpuPower, CappedTensorKernelKeepsItsMaxClockRate) {
  const GpuSpec spec =
      spec_with({{"calibration.tensor_efficiency", "0.5"}, {"calibration.tensor_clock_efficiency", "1"}});
  const Kernel k = quarter_grid(Engine::tensor_gemm);
  EXPECT_NEAR(time_kernel_at(spec, k, LaunchMode::isolated, 1980e6).busy_seconds, 2e-6, 1e-15);
  EXPECT_NEAR(time_kernel_at(spec, k, LaunchMode::isolated, 1200e6).busy_seconds, 2e-6, 1e-15);
  EXPECT_NEAR(time_kernel_at(spec, k, LaunchMode::isolated, 900e6).busy_seconds, 2e-6 * 990.0 / 900.0, 1e-15);
  // Without it (0), the rate follows the clock: 2 us x 1980/1200 at 1200 MHz.
  const GpuSpec plain = spec_with({{"calibration.tensor_efficiency", "0.5"}});
  EXPECT_NEAR(time_kernel_at(plain, k, LaunchMode::isolated, 1200e6).busy_seconds, 2e-6 * 1980.0 / 1200.0,
              1e-15);
}

}  // namespace
}  // namespace orrery::arch::gpu
