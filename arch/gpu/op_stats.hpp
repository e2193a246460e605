#pragma once
// Turns the timed kernels of one op into the op's Stats (sums over its kernels).
#include <vector>

#include "arch/gpu/kernel.hpp"
#include "arch/gpu/kernel_timing.hpp"
#include "arch/stats.hpp"
#include "workloads/op.hpp"

namespace orrery::arch::gpu {

Stats op_stats(const GpuSpec& spec, const workloads::Op& op, const std::vector<Kernel>& kernels,
               const std::vector<KernelTiming>& timings);

}  // namespace orrery::arch::gpu
