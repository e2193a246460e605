#include "arch/interconnect/program.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>

#include "arch/interconnect/plan_timing.hpp"

namespace orrery::arch::interconnect {

std::vector<int64_t> Task::devices() const {
  return is_collective ? collective.group : std::vector<int64_t>{device};
}

size_t Program::add(Task t) {
  const size_t index = tasks.size();
  for (size_t d : t.deps)
    if (d >= index) throw std::logic_error(fmt::format("task '{}' depends on a later task", t.name));
  for (int64_t d : t.devices())
    if (d < 0 || d >= devices)
      throw std::logic_error(fmt::format("task '{}' on device {} of {}", t.name, d, devices));
  tasks.push_back(std::move(t));
  return index;
}

std::vector<std::vector<size_t>> effective_deps(const Program& p) {
  std::vector<std::vector<size_t>> out(p.tasks.size());
  std::map<std::pair<int64_t, int>, size_t> last;
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    out[i] = p.tasks[i].deps;
    if (p.tasks[i].stream < 0) continue;  // unordered: only its dependencies hold it back
    for (int64_t d : p.tasks[i].devices()) {
      auto [it, fresh] = last.try_emplace({d, p.tasks[i].stream}, i);
      if (!fresh) {
        out[i].push_back(it->second);
        it->second = i;
      }
    }
    std::sort(out[i].begin(), out[i].end());
    out[i].erase(std::unique(out[i].begin(), out[i].end()), out[i].end());
  }
  return out;
}

namespace {

using Intervals = std::vector<std::pair<double, double>>;

Intervals merged(Intervals v) {
  std::sort(v.begin(), v.end());
  Intervals out;
  for (const auto& iv : v) {
    if (iv.second <= iv.first) continue;
    if (!out.empty() && iv.first <= out.back().second)
      out.back().second = std::max(out.back().second, iv.second);
    else
      out.push_back(iv);
  }
  return out;
}

double length(const Intervals& v) {
  double s = 0;
  for (const auto& iv : v) s += iv.second - iv.first;
  return s;
}

double overlap(const Intervals& a, const Intervals& b) {  // both merged
  double s = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const double lo = std::max(a[i].first, b[j].first), hi = std::min(a[i].second, b[j].second);
    if (hi > lo) s += hi - lo;
    (a[i].second < b[j].second) ? ++i : ++j;
  }
  return s;
}

}  // namespace

void account_devices(const Program& p, ProgramResult& r) {
  std::vector<Intervals> compute(p.devices), comm(p.devices);
  r.makespan_s = 0;
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    r.makespan_s = std::max(r.makespan_s, r.tasks[i].end_s);
    for (int64_t d : p.tasks[i].devices())
      (p.tasks[i].is_collective ? comm : compute)[d].emplace_back(r.tasks[i].start_s, r.tasks[i].end_s);
  }
  r.devices.assign(p.devices, {});
  for (int64_t d = 0; d < p.devices; ++d) {
    const Intervals c = merged(compute[d]), m = merged(comm[d]);
    DeviceTime& t = r.devices[d];
    t.compute_s = length(c);
    t.comm_overlapped_s = overlap(c, m);
    t.comm_exposed_s = length(m) - t.comm_overlapped_s;
    t.idle_s = std::max(0.0, r.makespan_s - t.compute_s - t.comm_exposed_s);
  }
}

namespace {

// The collectives that occupy one link: how many of them run at a given instant, in O(log n).
// Tasks come in program order, not time order, so nothing can be dropped; the count at t is
// #(start <= t) - #(end <= t) (every interval has end >= start), both kept as order-statistics
// trees (keys made unique by the collective's index).
class LinkOccupancy {
 public:
  void add(double start_s, double end_s, size_t id) {
    starts_.insert({start_s, id});
    ends_.insert({end_s, id});
  }
  int running_at(double t) const {
    const std::pair<double, size_t> upto{t, std::numeric_limits<size_t>::max()};
    return static_cast<int>(starts_.order_of_key(upto)) - static_cast<int>(ends_.order_of_key(upto));
  }

 private:
  using Tree = __gnu_pbds::tree<std::pair<double, size_t>, __gnu_pbds::null_type, std::less<>,
                                __gnu_pbds::rb_tree_tag, __gnu_pbds::tree_order_statistics_node_update>;
  Tree starts_, ends_;
};

}  // namespace

ProgramResult run_analytical(const Program& p, const Topology& topo) {
  ProgramResult r;
  r.tasks.resize(p.tasks.size());
  const auto deps = effective_deps(p);
  // A step repeats the same few collectives thousands of times: plan each once.
  struct Alone {
    CollectiveTime time;
    std::vector<int> links;
  };
  std::map<std::tuple<CollectiveKind, double, std::vector<int64_t>>, Alone> plans;
  std::vector<LinkOccupancy> occupancy(topo.links().size());
  std::vector<int> background(topo.links().size(), 0);
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    const Task& t = p.tasks[i];
    double start = 0;
    for (size_t d : deps[i]) start = std::max(start, r.tasks[d].end_s);
    if (!t.is_collective) {
      r.tasks[i] = {start, start + t.seconds};
      continue;
    }
    auto [it, fresh] = plans.try_emplace({t.collective.kind, t.collective.bytes, t.collective.group});
    if (fresh) {
      it->second.time = time_collective(t.collective, topo, topo.spec().algorithm);
      it->second.links = links_used(it->second.time.plan, topo);
    }
    const Alone& alone = it->second;
    // The collectives scheduled before this one that still run on its links when it starts.
    bool shared = false;
    for (int l : alone.links) {
      background[l] = occupancy[l].running_at(start);
      shared = shared || background[l] > 0;
    }
    // Alone, a plan's time does not depend on when it starts.
    const double end =
        shared ? time_plan(alone.time.plan, topo, start, background).end_s : start + alone.time.seconds;
    r.tasks[i] = {start, end};
    for (int l : alone.links) {
      occupancy[l].add(start, end, i);
      background[l] = 0;
    }
  }
  account_devices(p, r);
  return r;
}

}  // namespace orrery::arch::interconnect
