#pragma once
// The cycle fidelity of a multi-device step: devices (sc/device.hpp) and the fabric's links
// (sc/fabric.hpp) as SystemC modules, and a collective engine that starts each collective's
// plan on the fabric when its dependencies are done. Runs in a forked child
// (arch/isolated_run.hpp), so a process may call it any number of times.
#include <vector>

#include "arch/interconnect/program.hpp"
#include "arch/interconnect/topology.hpp"

namespace orrery::arch::interconnect::sc {

struct LinkUse {
  double bytes = 0, busy_s = 0;
};

struct ScProgramResult {
  ProgramResult program;
  std::vector<LinkUse> links;  // per link of the topology
};

ScProgramResult run_program(const Program& p, const Topology& topo);

}  // namespace orrery::arch::interconnect::sc
