#pragma once
// A workload repeated back to back (as the harness's energy loop runs it: a CUDA graph of
// copies, L2 left warm): the time and energy of one repetition. Operands that fit the L2 share
// stay there between repetitions, so such kernels read nothing from DRAM.
#include "common/config/resolved.hpp"
#include "workloads/graph.hpp"

namespace orrery::arch::gpu {

struct SteadyState {
  double seconds = 0;
  double energy_j = 0;
  double power_w = 0;
  double clock_mhz = 0;  // of the longest kernel
};

// `pytorch`: the kernels PyTorch launches (mappers/gpu), otherwise the libraries' own.
SteadyState steady_state(const config::Resolved& cfg, const workloads::Graph& graph, bool pytorch = false);

}  // namespace orrery::arch::gpu
