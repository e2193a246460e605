#include "arch/interconnect/plan_timing.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace orrery::arch::interconnect {

PlanTiming time_plan(const Plan& plan, const Topology& topo, double start_s,
                     const std::vector<int>& background) {
  PlanTiming out;
  out.start_s = start_s;
  out.end_s = start_s;
  if (plan.transfers.empty()) return out;
  const double first = start_s + topo.spec().base_latency_s;
  // Sharers per (round, link).
  std::map<std::pair<int, int>, int> sharers;
  std::vector<std::vector<int>> routes;
  routes.reserve(plan.transfers.size());
  for (const auto& t : plan.transfers) {
    routes.push_back(topo.route(t.src, t.dst));
    for (int l : routes.back()) ++sharers[{t.round, l}];
  }
  out.transfer_end_s.resize(plan.transfers.size());
  const auto& links = topo.links();
  for (size_t i = 0; i < plan.transfers.size(); ++i) {
    const Transfer& t = plan.transfers[i];
    double begin = first;
    for (size_t d : t.deps) begin = std::max(begin, out.transfer_end_s[d]);
    double latency = 0, rate = std::numeric_limits<double>::infinity();
    for (int l : routes[i]) {
      latency += links[l].spec.latency_s;
      const int extra = background.empty() ? 0 : background[l];
      rate = std::min(rate, links[l].spec.bytes_per_s / (sharers[{t.round, l}] + extra));
    }
    out.transfer_end_s[i] = begin + latency + t.bytes / rate;
    out.end_s = std::max(out.end_s, out.transfer_end_s[i]);
  }
  return out;
}

CollectiveTime time_collective(const Collective& c, const Topology& topo, Algorithm algorithm) {
  const auto one = [&](Algorithm a) {
    CollectiveTime r;
    r.plan = make_plan(c, topo, a);
    r.seconds = time_plan(r.plan, topo, 0).end_s;
    if (r.seconds > 0) {
      r.algo_bandwidth = c.bytes / r.seconds;
      r.bus_bandwidth = r.algo_bandwidth * bus_factor(c.kind, static_cast<int64_t>(c.group.size()));
    }
    return r;
  };
  if (algorithm != Algorithm::automatic) return one(algorithm);
  CollectiveTime ring = one(Algorithm::ring);
  if (c.kind != CollectiveKind::all_reduce || c.group.size() <= 2) return ring;
  CollectiveTime tree = one(Algorithm::tree);
  return tree.seconds < ring.seconds ? tree : ring;
}

std::vector<int> links_used(const Plan& plan, const Topology& topo) {
  std::vector<int> out;
  std::map<std::pair<int64_t, int64_t>, bool> seen;
  for (const auto& t : plan.transfers) {
    if (seen[{t.src, t.dst}]) continue;
    seen[{t.src, t.dst}] = true;
    for (int l : topo.route(t.src, t.dst)) out.push_back(l);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace orrery::arch::interconnect
