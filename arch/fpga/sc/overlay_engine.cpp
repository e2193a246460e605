#include "arch/fpga/sc/overlay_engine.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <systemc>

#include "arch/fpga/overlay_calibration.hpp"
#include "arch/fpga/overlay_timing.hpp"
#include "arch/isolated_run.hpp"
#include "common/error.hpp"

namespace orrery::arch::fpga::sc {
namespace {

using mappers::fpga::OverlayMapping;
using sc_core::sc_fifo;
using sc_core::sc_module_name;
using sc_core::SC_NS;
using sc_core::sc_time;

// One fabric cycle is one SystemC nanosecond.
sc_time cycles(double n) { return sc_time(n, SC_NS); }
double now_cycles() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

// The off-chip memory shared by all cores: transfers hold the channel for bytes / sustained
// bandwidth; a core's own ports cap its rate; a layer's first burst pays the latency (later
// ones are issued while earlier ones are in flight).
class MemoryChannel : public sc_core::sc_module {
 public:
  MemoryChannel(sc_module_name n, double sustained_bytes_per_cycle, double port_bytes_per_cycle,
                double latency)
      : sc_module(n), sustained_(sustained_bytes_per_cycle), port_(port_bytes_per_cycle), latency_(latency) {}
  void transfer(double bytes, bool first) {
    const double start = now_cycles();
    busy_.lock();
    wait(cycles(bytes / sustained_));
    busy_.unlock();
    const double port_done = start + bytes / port_;
    if (port_done > now_cycles()) wait(cycles(port_done - now_cycles()));
    if (first) wait(cycles(latency_));
  }

 private:
  sc_core::sc_mutex busy_;
  double sustained_, port_, latency_;
};

class Core : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Core);
  std::vector<double> layer_cycles, layer_stall;  // first image
  std::vector<double> image_done;                 // cycle each image finished
  double first_image_cycles = 0, done_cycles = 0;

  // `start` staggers the cores, as independent threads submitting images do in practice.
  Core(sc_module_name n, const std::vector<OverlayMapping>& layers, const FpgaSpec& spec,
       MemoryChannel& memory, int64_t images, double start)
      : sc_module(n),
        layers_(layers),
        spec_(spec),
        cal_(spec.overlay.calibration),
        memory_(memory),
        images_(images),
        start_(start),
        free_(2),
        loaded_(2),
        layer_done_(1) {
    layer_cycles.assign(layers.size(), 0);
    layer_stall.assign(layers.size(), 0);
    free_.nb_write(0);
    free_.nb_write(0);
    SC_THREAD(loader);
    SC_THREAD(array);
  }

 private:
  void loader() {
    wait(cycles(start_));
    for (int64_t img = 0; img < images_; ++img)
      for (const auto& m : layers_) {
        if (!overlay_runs(m)) continue;
        layer_start_ = now_cycles();
        wait(cycles(cal_.layer_overhead_cycles));
        const OverlaySteps st = overlay_steps(m, spec_);
        const auto steps = static_cast<int64_t>(st.steps);
        for (int64_t t = 0; t < steps; ++t) {
          free_.read();
          memory_.transfer(t == 0 ? st.first_bytes : st.step_bytes, t == 0);
          loaded_.write(0);
        }
        layer_done_.read();
      }
  }
  void array() {
    for (int64_t img = 0; img < images_; ++img) {
      for (size_t i = 0; i < layers_.size(); ++i) {
        const auto& m = layers_[i];
        if (!overlay_runs(m)) continue;
        const OverlaySteps st = overlay_steps(m, spec_);
        const auto steps = static_cast<int64_t>(st.steps);
        for (int64_t t = 0; t < steps; ++t) {
          loaded_.read();
          wait(cycles(st.step_compute));
          free_.write(0);
        }
        if (img == 0) {
          layer_cycles[i] = now_cycles() - layer_start_;
          layer_stall[i] = std::max(0.0, layer_cycles[i] - cal_.layer_overhead_cycles - st.compute());
        }
        layer_done_.write(0);
      }
      if (img == 0) first_image_cycles = now_cycles() - start_;
      image_done.push_back(now_cycles());
    }
    done_cycles = now_cycles();
  }

  const std::vector<OverlayMapping>& layers_;
  const FpgaSpec& spec_;
  const OverlayCalibration& cal_;
  MemoryChannel& memory_;
  int64_t images_;
  double start_;
  double layer_start_ = 0;
  sc_fifo<int> free_, loaded_, layer_done_;
};

}  // namespace

namespace {

OverlayScResult run_here(const std::vector<OverlayMapping>& layers, const FpgaSpec& spec,
                         int64_t images_per_core) {
  MemoryChannel memory("ddr", overlay_sustained_bytes_per_cycle(spec), spec.overlay.port_bytes_per_cycle,
                       overlay_latency_cycles(spec));
  // Stagger: core c starts c / cores of one image's array work late.
  double work = 0;
  for (const auto& m : layers)
    if (overlay_runs(m)) work += overlay_steps(m, spec).compute();
  const auto n = static_cast<double>(spec.overlay.cores);
  std::vector<std::unique_ptr<Core>> cores;
  for (int64_t c = 0; c < spec.overlay.cores; ++c)
    cores.push_back(std::make_unique<Core>(("core" + std::to_string(c)).c_str(), layers, spec, memory,
                                           images_per_core, work * static_cast<double>(c) / n));
  sc_core::sc_start();

  OverlayScResult r;
  r.layer_cycles = cores.front()->layer_cycles;
  r.layer_stall_cycles = cores.front()->layer_stall;
  r.first_inference_cycles = cores.front()->first_image_cycles;
  for (const auto& c : cores) r.total_cycles = std::max(r.total_cycles, c->done_cycles);
  if (r.total_cycles <= 0) throw SimulationError("nothing ran");
  // Steady state: each core's interval between its last two images.
  for (const auto& c : cores) {
    const auto& d = c->image_done;
    const double period = d.size() >= 2 ? d[d.size() - 1] - d[d.size() - 2] : d.back();
    r.throughput_per_s += static_cast<double>(spec.overlay.images_per_pass()) * spec.fabric_hz / period;
  }
  return r;
}

struct Summary {
  double first_inference_cycles, total_cycles, throughput_per_s;
};
struct LayerRow {
  double cycles, stall_cycles;
};

}  // namespace

OverlayScResult run_overlay_sc(const std::vector<OverlayMapping>& layers, const FpgaSpec& spec,
                               int64_t images_per_core) {
  // A workload with nothing for the cores (only host and fused ops) takes no time on them.
  if (std::none_of(layers.begin(), layers.end(), overlay_runs)) {
    OverlayScResult idle;
    idle.layer_cycles.assign(layers.size(), 0.0);
    idle.layer_stall_cycles.assign(layers.size(), 0.0);
    return idle;
  }
  const auto child = run_isolated<Summary, LayerRow>("overlay SystemC model", [&] {
    const OverlayScResult r = run_here(layers, spec, images_per_core);
    IsolatedResult<Summary, LayerRow> out{{r.first_inference_cycles, r.total_cycles, r.throughput_per_s}, {}};
    for (size_t i = 0; i < r.layer_cycles.size(); ++i)
      out.rows.push_back({r.layer_cycles[i], r.layer_stall_cycles[i]});
    return out;
  });
  OverlayScResult r;
  r.first_inference_cycles = child.summary.first_inference_cycles;
  r.total_cycles = child.summary.total_cycles;
  r.throughput_per_s = child.summary.throughput_per_s;
  for (const auto& row : child.rows) {
    r.layer_cycles.push_back(row.cycles);
    r.layer_stall_cycles.push_back(row.stall_cycles);
  }
  return r;
}

}  // namespace orrery::arch::fpga::sc
