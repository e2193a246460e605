#include "arch/interconnect/sc/fabric.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace orrery::arch::interconnect::sc {

using sc_core::SC_SEC;
using sc_core::sc_time;

namespace {
// SystemC time has a resolution of 1 ps: a message whose remaining bytes take less than that is
// done.
constexpr double kResolution_s = 1e-12;
double now_s() { return sc_core::sc_time_stamp().to_seconds(); }
}  // namespace

Fabric::Fabric(const sc_core::sc_module_name& name, const Topology& topo)
    : sc_core::sc_module(name), topo_(topo) {
  for (size_t i = 0; i < topo.links().size(); ++i)
    links_.push_back(std::make_unique<LinkModule>(fmt::format("link_{}", i).c_str(), topo.links()[i].spec));
  SC_THREAD(process);
}

void Fabric::start(const Plan& plan, std::function<void()> on_done) {
  if (plan.transfers.empty()) {
    on_done();
    return;
  }
  Run r;
  r.plan = &plan;
  r.on_done = std::move(on_done);
  r.waiting.resize(plan.transfers.size());
  r.dependents.resize(plan.transfers.size());
  const size_t id = runs_.size();
  const double first = now_s() + topo_.spec().base_latency_s;
  for (size_t t = 0; t < plan.transfers.size(); ++t) {
    r.waiting[t] = static_cast<int>(plan.transfers[t].deps.size());
    for (size_t d : plan.transfers[t].deps) r.dependents[d].push_back(t);
    if (r.waiting[t] == 0) starts_.push_back({first, id, t});
  }
  runs_.push_back(std::move(r));
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void Fabric::launch(size_t run, size_t transfer) {
  const Transfer& t = runs_[run].plan->transfers[transfer];
  Flow f;
  f.run = run;
  f.transfer = transfer;
  f.route = topo_.route(t.src, t.dst);
  f.remaining = t.bytes;
  for (int l : f.route) {
    f.latency += links_[l]->spec().latency_s;
    links_[l]->enter();
  }
  flows_.push_back(std::move(f));
}

void Fabric::arrive(size_t run, size_t transfer) {
  Run& r = runs_[run];
  for (size_t d : r.dependents[transfer])
    if (--r.waiting[d] == 0) launch(run, d);
  if (++r.arrived == r.plan->transfers.size()) r.on_done();
}

void Fabric::rerate() {
  for (Flow& f : flows_) {
    f.rate = std::numeric_limits<double>::infinity();
    for (int l : f.route) f.rate = std::min(f.rate, links_[l]->share());
  }
}

void Fabric::process() {
  for (;;) {
    const double now = now_s();
    // Drain the messages on the links since the last event.
    const double dt = now - last_s_;
    last_s_ = now;
    for (Flow& f : flows_) {
      const double moved = std::min(f.remaining, f.rate * dt);
      f.remaining -= moved;
      for (int l : f.route) links_[l]->carried(moved, f.rate > 0 ? moved / f.rate : 0);
    }
    // Messages whose last byte left go on to arrive after their hop latencies.
    for (size_t i = 0; i < flows_.size();) {
      Flow& f = flows_[i];
      if (f.remaining <= f.rate * kResolution_s) {
        for (int l : f.route) links_[l]->leave();
        arrivals_.push_back({now + f.latency, f.run, f.transfer});
        flows_[i] = std::move(flows_.back());
        flows_.pop_back();
      } else {
        ++i;
      }
    }
    // Starts and arrivals due now (an arrival may launch dependents, a zero-latency route may
    // arrive at once): repeat until none is due.
    for (bool any = true; any;) {
      any = false;
      for (size_t i = 0; i < starts_.size();) {
        if (starts_[i].at_s <= now + kResolution_s / 2) {
          const Timed s = starts_[i];
          starts_.erase(starts_.begin() + static_cast<std::ptrdiff_t>(i));
          launch(s.run, s.transfer);
          any = true;
        } else {
          ++i;
        }
      }
      for (size_t i = 0; i < arrivals_.size();) {
        if (arrivals_[i].at_s <= now + kResolution_s / 2) {
          const Timed a = arrivals_[i];
          arrivals_.erase(arrivals_.begin() + static_cast<std::ptrdiff_t>(i));
          arrive(a.run, a.transfer);
          any = true;
        } else {
          ++i;
        }
      }
      // Zero-byte messages on zero-latency routes would otherwise wait for the next event.
      for (size_t i = 0; i < flows_.size();) {
        if (flows_[i].remaining <= 0 && flows_[i].latency <= 0) {
          for (int l : flows_[i].route) links_[l]->leave();
          const Flow f = flows_[i];
          flows_[i] = std::move(flows_.back());
          flows_.pop_back();
          arrive(f.run, f.transfer);
          any = true;
        } else {
          ++i;
        }
      }
    }
    rerate();
    double next = std::numeric_limits<double>::infinity();
    for (const Flow& f : flows_) next = std::min(next, now + f.remaining / f.rate);
    for (const Timed& s : starts_) next = std::min(next, s.at_s);
    for (const Timed& a : arrivals_) next = std::min(next, a.at_s);
    if (next == std::numeric_limits<double>::infinity())
      sc_core::wait(wake_);
    else
      sc_core::wait(sc_time(std::max(next - now, kResolution_s), SC_SEC), wake_);
  }
}

}  // namespace orrery::arch::interconnect::sc
