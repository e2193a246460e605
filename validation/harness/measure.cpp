#include "measure.hpp"

#include <cuda_profiler_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "check.hpp"
#include "fill.hpp"

namespace orrery::validation {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Events {
  std::vector<cudaEvent_t> ev;
  explicit Events(size_t n) : ev(n, nullptr) {
    for (auto& e : ev) CUDA_CHECK(cudaEventCreate(&e));
  }
  ~Events() {
    for (auto e : ev)
      if (e) cudaEventDestroy(e);
  }
};

struct ClockSampler {
  Nvml& nvml;
  std::optional<unsigned> lo, hi, last;
  void sample() {
    const auto c = nvml.sm_clock_mhz();
    if (!c) return;
    lo = lo ? std::min(*lo, *c) : *c;
    hi = hi ? std::max(*hi, *c) : *c;
    last = c;
  }
};

}  // namespace

Timing time_op(Op& op, Context& ctx, DeviceBuffer& flush, DeviceBuffer& sink, int reps, int warmup,
               Nvml& nvml) {
  cudaStream_t s = ctx.stream;
  // Warm-up: library initialisation, module loads, clocks up.
  // The host time of one op.run() call (the longest after the first) sizes the spin below.
  const auto t0 = Clock::now();
  int done = 0;
  double host_us = 0;
  while (done < warmup || seconds_since(t0) < 0.02) {
    const auto c0 = Clock::now();
    op.run(s);
    if (done > 0) host_us = std::max(host_us, 1e6 * seconds_since(c0));
    ++done;
    if (done % 8 == 0) CUDA_CHECK(cudaStreamSynchronize(s));
    if (done > 100000) break;
  }
  CUDA_CHECK(cudaStreamSynchronize(s));
  const double spin_us = std::min(5000.0, 2.0 * host_us + 20.0);

  Events ev(2 * static_cast<size_t>(reps));
  for (int r = 0; r < reps; ++r) {
    flush_l2(flush, sink, 0x5bd1e995u * static_cast<uint32_t>(r + 1), s);
    launch_spin(spin_us, s);  // GPU busy while the host enqueues the op (see fill.hpp)
    CUDA_CHECK(cudaEventRecord(ev.ev[2 * r], s));
    op.run(s);
    CUDA_CHECK(cudaEventRecord(ev.ev[2 * r + 1], s));
  }
  CUDA_CHECK(cudaStreamSynchronize(s));
  Timing t;
  t.sm_clock_mhz = nvml.sm_clock_mhz();
  t.host_us = host_us;
  std::vector<double> us(reps);
  for (int r = 0; r < reps; ++r) {
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, ev.ev[2 * r], ev.ev[2 * r + 1]));
    us[r] = 1000.0 * ms;
  }
  std::sort(us.begin(), us.end());
  t.reps = reps;
  t.min_us = us.front();
  t.max_us = us.back();
  t.median_us = reps % 2 ? us[reps / 2] : 0.5 * (us[reps / 2 - 1] + us[reps / 2]);
  return t;
}

std::optional<Energy> energy_loop(Op& op, Context& ctx, double seconds, double op_us, Nvml& nvml) {
  if (!nvml.ok() || !nvml.energy_mj()) return std::nullopt;
  cudaStream_t s = ctx.stream;
  // A graph of enough ops to last ~2 ms hides launch gaps of small ops.
  int per_graph = static_cast<int>(std::clamp(std::ceil(2000.0 / std::max(op_us, 0.5)), 1.0, 2000.0));
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  bool use_graph = true;
  try {
    CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    try {
      for (int i = 0; i < per_graph; ++i) op.run(s);
    } catch (...) {
      cudaStreamEndCapture(s, &graph);
      throw;
    }
    CUDA_CHECK(cudaStreamEndCapture(s, &graph));
    CUDA_CHECK(cudaGraphInstantiate(&exec, graph, 0));
  } catch (const HarnessError& e) {
    std::fprintf(stderr, "  energy: graph capture failed (%s); launching directly\n", e.what());
    (void)cudaGetLastError();
    if (graph) cudaGraphDestroy(graph);
    graph = nullptr;
    exec = nullptr;
    use_graph = false;
    per_graph = 1;
  }
  auto launch = [&] {
    if (use_graph)
      CUDA_CHECK(cudaGraphLaunch(exec, s));
    else
      op.run(s);
  };
  Energy out;
  try {
    Events ev(2);
    // Warm: one launch, timed, to size the loop.
    CUDA_CHECK(cudaEventRecord(ev.ev[0], s));
    launch();
    CUDA_CHECK(cudaEventRecord(ev.ev[1], s));
    CUDA_CHECK(cudaStreamSynchronize(s));
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, ev.ev[0], ev.ev[1]));
    const long long launches =
        std::max(1LL, static_cast<long long>(std::ceil(seconds * 1000.0 / std::max(ms, 1e-3f))));

    ClockSampler clocks{nvml, {}, {}, {}};
    const auto e0 = nvml.energy_mj();
    CUDA_CHECK(cudaEventRecord(ev.ev[0], s));
    auto last_sample = Clock::now();
    for (long long i = 0; i < launches; ++i) {
      launch();
      if (seconds_since(last_sample) > 0.05) {
        clocks.sample();
        last_sample = Clock::now();
      }
    }
    CUDA_CHECK(cudaEventRecord(ev.ev[1], s));
    while (cudaEventQuery(ev.ev[1]) == cudaErrorNotReady) {
      clocks.sample();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CUDA_CHECK(cudaEventSynchronize(ev.ev[1]));
    const auto e1 = nvml.energy_mj();
    CUDA_CHECK(cudaEventElapsedTime(&ms, ev.ev[0], ev.ev[1]));
    if (!e0 || !e1) throw HarnessError("NVML energy counter unreadable");
    out.ops = launches * per_graph;
    out.loop_s = ms / 1000.0;
    const double joules = static_cast<double>(*e1 - *e0) / 1000.0;
    out.energy_j_per_op = joules / static_cast<double>(out.ops);
    out.avg_power_w = joules / out.loop_s;
    out.us_per_op = 1e6 * out.loop_s / static_cast<double>(out.ops);
    out.per_graph = use_graph ? per_graph : 0;
    out.clock_min_mhz = clocks.lo;
    out.clock_max_mhz = clocks.hi;
    out.clock_end_mhz = clocks.last;
    out.temp_c = nvml.temperature_c();
    out.reasons = nvml.clock_event_reasons();
  } catch (...) {
    if (exec) cudaGraphExecDestroy(exec);
    if (graph) cudaGraphDestroy(graph);
    throw;
  }
  if (exec) cudaGraphExecDestroy(exec);
  if (graph) cudaGraphDestroy(graph);
  return out;
}

std::optional<Energy> idle_power(double seconds, Nvml& nvml) {
  if (!nvml.ok() || !nvml.energy_mj()) return std::nullopt;
  CUDA_CHECK(cudaDeviceSynchronize());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let clocks settle
  ClockSampler clocks{nvml, {}, {}, {}};
  const auto e0 = nvml.energy_mj();
  const auto t0 = Clock::now();
  while (seconds_since(t0) < seconds) {
    clocks.sample();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto e1 = nvml.energy_mj();
  const double dt = seconds_since(t0);
  if (!e0 || !e1) return std::nullopt;
  Energy out;
  out.loop_s = dt;
  out.energy_j_per_op = static_cast<double>(*e1 - *e0) / 1000.0;
  out.avg_power_w = out.energy_j_per_op / dt;
  out.ops = 0;
  out.clock_min_mhz = clocks.lo;
  out.clock_max_mhz = clocks.hi;
  out.clock_end_mhz = clocks.last;
  out.temp_c = nvml.temperature_c();
  out.reasons = nvml.clock_event_reasons();
  return out;
}

void profile_once(Op& op, Context& ctx, DeviceBuffer& flush, DeviceBuffer& sink, int index) {
  cudaStream_t s = ctx.stream;
  op.run(s);  // warm: module loads and lazy initialisation stay outside the profiled range
  op.run(s);
  flush_l2(flush, sink, 0x1234567u + static_cast<uint32_t>(index), s);
  CUDA_CHECK(cudaStreamSynchronize(s));
  CUDA_CHECK(cudaProfilerStart());
  launch_marker(index, s);
  op.run(s);
  CUDA_CHECK(cudaStreamSynchronize(s));
  CUDA_CHECK(cudaProfilerStop());
}

}  // namespace orrery::validation
