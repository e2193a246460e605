#include "arch/gpu/sc/gpu_system.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/sc/bandwidth_queue.hpp"
#include "arch/isolated_run.hpp"
#include "common/error.hpp"

namespace orrery::arch::gpu::sc {
namespace {

using sc_core::SC_SEC;
using sc_core::sc_time;

// Per-CTA work of one kernel, split into pipeline steps.
struct CtaWork {
  int64_t steps = 1;
  double load_bytes_step = 0, dram_bytes_step = 0;  // per step: L2 reads (after multicast), HBM
  double port_bytes_step = 0;                       // per step through the SM's load port
  double compute_s_step = 0;                        // SM math time per step
  double chain_s_step = 0;                          // the CTA's own dependent chain per step
  double epilogue_s = 0;
  int64_t stages = 2;
  double clock_scale =
      1;  // f_ref / f: SM load-port requests are sized at the reference clock (L2 has its own)
};

CtaWork cta_work(const GpuSpec& spec, const Kernel& k, double f) {
  CtaWork w;
  const double ctas = static_cast<double>(k.ctas);
  const double load = k.l2_bytes / ctas, dram = (k.dram_read_bytes + k.dram_write_bytes) / ctas;
  w.steps = k.k_iters > 0 ? k.k_iters : std::max<int64_t>(1, static_cast<int64_t>(std::ceil(load / 16384.0)));
  const double steps = static_cast<double>(w.steps);
  w.load_bytes_step = load / steps;
  // The HBM channels run at the streaming rate: a low-MLP kernel's bytes occupy them longer.
  w.dram_bytes_step = dram / steps * dram_bytes_per_s(spec) / dram_bytes_per_s(spec, k);
  w.port_bytes_step = (k.sm_bytes > 0 ? k.sm_bytes : k.l2_bytes) / ctas / steps;
  const double math = k.flops_per_cta / math_flops_per_s(spec, k, f) +
                      k.sfu_ops_per_cta / (spec.sfu_ops_per_clk * f) +
                      k.lane_ops_per_cta / (spec.cuda_fp32_flops * 0.5 * f);  // one int op per FP32 lane
  const double smem = k.smem_bytes_per_cta / (spec.shared_bandwidth_bytes_per_clk * f);
  w.compute_s_step = (k.serial_loads ? math + smem : std::max(math, smem)) / steps;
  w.epilogue_s = k.tile_m > 0 ? spec.calibration.tile_overhead_cycles / f : 0.0;
  // Latency-bound steps (dependent loads) serialize within the CTA, beside its streaming; where
  // the chain is the CTA walking its tiles, it paces the steps instead (their loads overlap it).
  const double chain = dependent_chain_seconds(spec, k);
  if (k.chain_carries_traffic)
    w.chain_s_step = chain / steps;
  else
    w.epilogue_s += chain;
  w.stages = std::max<int64_t>(1, k.stages > 0 ? k.stages : 2);
  w.clock_scale = spec.max_clock_hz / f;
  return w;
}

// The shared-memory pipeline of one CTA: `capacity` stage buffers. The loader takes a free
// stage and issues that K-step's loads (up to `capacity` steps in flight, as cp.async/TMA
// pipelines do); the MMA loop waits for a step's data, consumes it and frees the stage.
// (Primitive channels such as sc_fifo cannot be created while the simulation runs, and CTAs
// start then.)
struct StagePipeline {
  int capacity = 2;
  int used = 0;
  std::vector<double> arrival_s;  // per issued step: when its data is in shared memory
  sc_core::sc_event changed;
  void acquire() {
    while (used == capacity) sc_core::wait(changed);
    ++used;
  }
  void issued(double arrival) {
    arrival_s.push_back(arrival);
    changed.notify(sc_core::SC_ZERO_TIME);
  }
  void wait_for(size_t step) {
    while (arrival_s.size() <= step) sc_core::wait(changed);
    const double dt = arrival_s[step] - sc_core::sc_time_stamp().to_seconds();
    if (dt > 0) sc_core::wait(sc_core::sc_time(dt, sc_core::SC_SEC));
  }
  void release() {
    --used;
    changed.notify(sc_core::SC_ZERO_TIME);
  }
};

class GpuSystem : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(GpuSystem);
  GpuSystem(sc_core::sc_module_name name, const GpuSpec& spec, const std::vector<Kernel>& kernels,
            const std::vector<double>& clocks)
      : sc_core::sc_module(name), spec_(spec), kernels_(kernels), clocks_(clocks), results_(kernels.size()) {
    const double f_ref = spec.max_clock_hz;
    for (int i = 0; i < spec_.l2_slices; ++i)
      l2_.push_back(std::make_unique<BandwidthQueue>(("l2_slice_" + std::to_string(i)).c_str(),
                                                     spec.l2_bandwidth_bytes_per_s / spec_.l2_slices, 0.0));
    const double hbm = dram_bytes_per_s(spec);
    for (int i = 0; i < spec_.hbm_channels; ++i)
      hbm_.push_back(std::make_unique<BandwidthQueue>(("hbm_channel_" + std::to_string(i)).c_str(),
                                                      hbm / spec_.hbm_channels, spec.hbm_latency_s));
    int64_t max_slots = 1;
    for (const auto& k : kernels) max_slots = std::max(max_slots, k.ctas_per_sm);
    for (int64_t sm = 0; sm < spec.sm_count; ++sm) {
      const std::string n = std::to_string(sm);
      math_.push_back(std::make_unique<BandwidthQueue>(("sm_math_" + n).c_str(), 1.0, 0.0));
      launch_.push_back(std::make_unique<BandwidthQueue>(("sm_cta_launch_" + n).c_str(), 1.0, 0.0));
      port_.push_back(std::make_unique<BandwidthQueue>(("sm_load_port_" + n).c_str(),
                                                       spec.load_port_bytes_per_clk * f_ref, 0.0));
    }
    // Slot-major order: the first wave spreads over all SMs before doubling up.
    for (int64_t slot = 0; slot < max_slots; ++slot)
      for (int64_t sm = 0; sm < spec.sm_count; ++sm)
        sc_core::sc_spawn([this, sm, slot] { slot_thread(sm, slot); });
    SC_THREAD(controller);
  }

  const std::vector<ScKernelResult>& results() const { return results_; }

 private:
  void controller() {
    for (size_t i = 0; i < kernels_.size(); ++i) {
      current_ = i;
      work_ = cta_work(spec_, kernels_[i], clocks_[i]);
      next_cta_ = 0;
      completed_ = 0;
      tail_start_ = -1;
      const double l2_wait0 = l2_wait(), dram_wait0 = dram_wait();
      const double t0 = sc_core::sc_time_stamp().to_seconds();
      // The kernel's fixed setup (tensor-core kernels) before its CTAs stream.
      const double fixed = kernel_fixed_seconds(spec_, kernels_[i]);
      if (fixed > 0) sc_core::wait(sc_time(fixed, SC_SEC));
      start_.notify(sc_core::SC_ZERO_TIME);
      sc_core::wait(done_);
      const double t1 = sc_core::sc_time_stamp().to_seconds();
      results_[i].busy_seconds = t1 - t0;
      results_[i].l2_wait_s = l2_wait() - l2_wait0;
      results_[i].dram_wait_s = dram_wait() - dram_wait0;
      results_[i].tail_seconds = tail_start_ >= 0 ? t1 - tail_start_ : 0.0;
    }
    // No sc_stop(): with every slot waiting for a kernel that never comes, the event queue
    // empties and sc_start() returns (sc_stop would print an info line on stdout).
  }

  void slot_thread(int64_t sm, int64_t slot) {
    for (;;) {
      sc_core::wait(start_);
      const Kernel& k = kernels_[current_];
      if (slot >= k.ctas_per_sm || slot * spec_.sm_count + sm >= resident_slots(spec_, k)) continue;
      for (;;) {
        if (next_cta_ >= kernels_[current_].ctas) {
          if (tail_start_ < 0) tail_start_ = sc_core::sc_time_stamp().to_seconds();
          break;
        }
        const int64_t id = next_cta_++;
        // The SM's block scheduler starts its CTAs one at a time (calibration.cta_launch_ns).
        launch_[sm]->occupy(spec_.calibration.cta_launch_s);
        run_cta(sm, id);
        if (++completed_ == kernels_[current_].ctas) done_.notify(sc_core::SC_ZERO_TIME);
      }
    }
  }

  // Async loads in stages -> MMA -> epilogue.
  void run_cta(int64_t sm, int64_t id) {
    const CtaWork w = work_;
    StagePipeline pipe{static_cast<int>(w.stages)};
    pipe.arrival_s.reserve(static_cast<size_t>(w.steps));
    sc_core::sc_spawn([this, &w, &pipe, sm, id] {
      (void)id;
      for (int64_t s = 0; s < w.steps; ++s) {
        pipe.acquire();  // blocks while every stage holds a step in flight or unconsumed
        // One K-step's operands stream through the SM's load port while their lines are
        // interleaved over every L2 slice and (for the misses) every HBM channel.
        double done = port_[sm]->reserve(w.port_bytes_step * w.clock_scale);
        for (auto& q : l2_) done = std::max(done, q->reserve(w.load_bytes_step / spec_.l2_slices));
        if (w.dram_bytes_step > 0)
          for (auto& q : hbm_) done = std::max(done, q->reserve(w.dram_bytes_step / spec_.hbm_channels));
        pipe.issued(done);
      }
    });
    double step_end = sc_core::sc_time_stamp().to_seconds();
    for (int64_t s = 0; s < w.steps; ++s) {
      pipe.wait_for(static_cast<size_t>(s));
      math_[sm]->occupy(w.compute_s_step);
      // A step ends no sooner than its share of the CTA's chain after the previous one.
      const double lag = step_end + w.chain_s_step - sc_core::sc_time_stamp().to_seconds();
      if (lag > 0) sc_core::wait(sc_time(lag, SC_SEC));
      step_end = sc_core::sc_time_stamp().to_seconds();
      pipe.release();
    }
    if (w.epilogue_s > 0) sc_core::wait(sc_time(w.epilogue_s, SC_SEC));
  }

  double l2_wait() const {
    double s = 0;
    for (const auto& q : l2_) s += q->waited_s();
    return s;
  }
  double dram_wait() const {
    double s = 0;
    for (const auto& q : hbm_) s += q->waited_s();
    return s;
  }

  const GpuSpec& spec_;
  const std::vector<Kernel>& kernels_;
  const std::vector<double>& clocks_;
  std::vector<ScKernelResult> results_;
  std::vector<std::unique_ptr<BandwidthQueue>> l2_, hbm_, math_, port_, launch_;
  sc_core::sc_event start_, done_;
  size_t current_ = 0;
  CtaWork work_;
  int64_t next_cta_ = 0, completed_ = 0;
  double tail_start_ = -1;
};

}  // namespace

std::vector<ScKernelResult> run_cycle_model(const GpuSpec& spec, const std::vector<Kernel>& kernels,
                                            const std::vector<double>& clock_hz) {
  if (kernels.size() != clock_hz.size()) throw SimulationError("run_cycle_model: one clock per kernel");
  if (kernels.empty()) return {};
  struct NoSummary {};
  auto r = run_isolated<NoSummary, ScKernelResult>("gpu cycle model", [&] {
    auto top = std::make_unique<GpuSystem>("gpu", spec, kernels, clock_hz);
    sc_core::sc_start();
    return IsolatedResult<NoSummary, ScKernelResult>{{}, top->results()};
  });
  if (r.rows.size() != kernels.size())
    throw SimulationError("gpu cycle model: the child returned results for the wrong number of kernels");
  return r.rows;
}

}  // namespace orrery::arch::gpu::sc
