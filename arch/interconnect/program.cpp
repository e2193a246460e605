#include "arch/interconnect/program.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

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

ProgramResult run_analytical(const Program& p, const Topology& topo) {
  ProgramResult r;
  r.tasks.resize(p.tasks.size());
  const auto deps = effective_deps(p);
  struct Running {
    double start_s, end_s;
    std::vector<int> links;
  };
  std::vector<Running> running;
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    const Task& t = p.tasks[i];
    double start = 0;
    for (size_t d : deps[i]) start = std::max(start, r.tasks[d].end_s);
    if (!t.is_collective) {
      r.tasks[i] = {start, start + t.seconds};
      continue;
    }
    CollectiveTime alone = time_collective(t.collective, topo, topo.spec().algorithm);
    std::vector<int> background(topo.links().size(), 0);
    bool shared = false;
    const std::vector<int> mine = links_used(alone.plan, topo);
    for (const auto& other : running) {
      if (!(other.start_s <= start && start < other.end_s)) continue;
      for (int l : other.links)
        if (std::binary_search(mine.begin(), mine.end(), l)) {
          ++background[l];
          shared = true;
        }
    }
    const PlanTiming timing = time_plan(alone.plan, topo, start, shared ? background : std::vector<int>{});
    r.tasks[i] = {start, timing.end_s};
    running.push_back({start, timing.end_s, mine});
  }
  account_devices(p, r);
  return r;
}

}  // namespace orrery::arch::interconnect
