#pragma once
// The analytical time of a collective: every transfer of a plan starts when the transfers it
// depends on have arrived (and not before the collective's start plus its base latency) and
// takes
//     sum of the hop latencies on its route + bytes / min over its links (bandwidth / sharers),
// where the sharers of a link are the transfers of the same round crossing it plus `background`
// flows from other collectives running at the same time. The SystemC fabric (sc/fabric.hpp)
// moves the same transfers as messages and gets the same times where no two transfers meet on
// a link; where they do, its shares change as messages come and go, which this model does not
// follow within a round.
#include <vector>

#include "arch/interconnect/collective.hpp"

namespace orrery::arch::interconnect {

struct PlanTiming {
  double start_s = 0, end_s = 0;
  std::vector<double> transfer_end_s;  // per transfer
};

// `background`: per link of `topo`, flows of other collectives on it (may be empty).
PlanTiming time_plan(const Plan& plan, const Topology& topo, double start_s,
                     const std::vector<int>& background = {});

struct CollectiveTime {
  Plan plan;
  double seconds = 0;
  double algo_bandwidth = 0;  // bytes / seconds
  double bus_bandwidth = 0;   // algo bandwidth x bus_factor (nccl-tests)
};

// The plan of `algorithm` (automatic: the faster of ring and tree when alone) and its time alone
// on the fabric.
CollectiveTime time_collective(const Collective& c, const Topology& topo, Algorithm algorithm);

// The links a plan uses (sorted, unique).
std::vector<int> links_used(const Plan& plan, const Topology& topo);

}  // namespace orrery::arch::interconnect
