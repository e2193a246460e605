#pragma once
// The interconnect as a SystemC module: one LinkModule per link of the topology, and one process
// that moves messages. A collective's plan is started as a whole; each of its transfers becomes
// a message when the transfers it depends on have arrived (the first ones after the collective's
// base latency). A message drains over its route at the smallest share of its links (each link
// divides its bandwidth equally among the messages on it, recomputed whenever one enters or
// leaves) and arrives the route's hop latencies after its last byte left. Contention between
// collectives, or between the messages of one, emerges from the shares.
#include <functional>
#include <memory>
#include <systemc>
#include <vector>

#include "arch/interconnect/collective.hpp"
#include "arch/interconnect/sc/link.hpp"
#include "arch/interconnect/topology.hpp"

namespace orrery::arch::interconnect::sc {

class Fabric : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Fabric);
  Fabric(const sc_core::sc_module_name& name, const Topology& topo);

  // Starts `plan` now; `on_done` runs (in the fabric's process) when its last transfer has
  // arrived, or at once for an empty plan. The plan must outlive the run.
  void start(const Plan& plan, std::function<void()> on_done);
  const LinkModule& link(size_t i) const { return *links_[i]; }

 private:
  struct Flow {
    size_t run = 0, transfer = 0;
    std::vector<int> route;
    double remaining = 0, rate = 0, latency = 0;
  };
  struct Run {
    const Plan* plan = nullptr;
    std::function<void()> on_done;
    std::vector<int> waiting;  // per transfer: dependencies not yet arrived
    std::vector<std::vector<size_t>> dependents;
    size_t arrived = 0;
  };
  struct Timed {
    double at_s = 0;
    size_t run = 0, transfer = 0;
  };
  void process();
  void launch(size_t run, size_t transfer);
  void arrive(size_t run, size_t transfer);
  void rerate();

  const Topology& topo_;
  std::vector<std::unique_ptr<LinkModule>> links_;
  std::vector<Run> runs_;
  std::vector<Flow> flows_;
  std::vector<Timed> starts_, arrivals_;
  sc_core::sc_event wake_;
  double last_s_ = 0;
};

}  // namespace orrery::arch::interconnect::sc
