#include "arch/fpga/overlay_result.hpp"

#include <cmath>

#include "arch/fpga/overlay_calibration.hpp"
#include "arch/fpga/overlay_timing.hpp"
#include "arch/fpga/power.hpp"
#include "arch/fpga/sc/overlay_engine.hpp"
#include "mappers/fpga/overlay_graph.hpp"

namespace orrery::arch::fpga {

using mappers::fpga::OverlayMapping;
using mappers::fpga::OverlayUnit;

namespace {
// SystemC images per core: the last interval shows the steady state of the shared channel.
constexpr int64_t kScImagesPerCore = 3;
}  // namespace

RunResult evaluate_overlay(const FpgaSpec& spec, const workloads::Graph& graph,
                           const std::vector<OverlayMapping>& maps, const EvalOptions& options) {
  const auto& o = spec.overlay;
  const int64_t batch = std::max<int64_t>(1, options.batch);

  const OverlayRun run = overlay_run(maps, spec, batch);
  const bool cycle = options.fidelity == Fidelity::cycle;
  sc::OverlayScResult sc_run;
  if (cycle) sc_run = sc::run_overlay_sc(maps, spec, kScImagesPerCore);

  const double f = spec.fabric_hz, fabric_mhz = f / 1e6, dsp_mhz = spec.dsp_hz / 1e6;
  const auto& pw = spec.power;
  const double peak = overlay_peak_macs_per_fabric_cycle(spec);  // one core, all PEs, per fabric cycle
  const Resources core = o.core_resources();
  RunResult r;
  double array_busy_cycles = 0, bytes = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    const auto& op = graph.ops()[i];
    const auto& m = maps[i];
    LayerResult l;
    l.name = op.name;
    l.op = std::string(op.kind_name());
    l.shape = op.describe();
    l.mapping = m.to_json();
    const auto t = overlay_layer_timing(m, spec, run.bytes_per_cycle);
    double cycles = t.cycles, stall = t.stall_cycles;
    if (cycle) {
      cycles = sc_run.layer_cycles[i];
      stall = sc_run.layer_stall_cycles[i];
    }
    auto& s = l.stats;
    s.cycles = std::llround(cycles);
    s.seconds = cycles / f;
    s.macs = op.macs() * o.images_per_pass();  // a core runs images_per_pass images per pass
    s.dram_read_bytes = m.read_bytes();
    s.dram_write_bytes = m.write_bytes;
    s.sram_write_bytes = m.read_bytes();  // every fetched byte lands in a buffer
    s.sram_read_bytes = m.read_bytes();   // and is read from it at least once
    s.compute_cycles = std::llround(t.compute_cycles);
    s.stall_cycles = std::llround(stall);
    if (s.cycles > 0) s.utilization = std::min(1.0, static_cast<double>(s.macs) / (peak * cycles));
    const bool on_array = m.unit == OverlayUnit::conv || m.unit == OverlayUnit::dwconv;
    if (on_array) array_busy_cycles += t.compute_cycles;
    bytes += static_cast<double>(m.dram_bytes());
    // Energy of this layer on one core; the board's static power is shared by the busy cores.
    if (s.cycles > 0) {
      s.add_energy("static", pw.static_w / static_cast<double>(o.cores) * s.seconds);
      if (on_array)
        s.add_energy("dsp", dynamic_w(core.dsp, pw.dsp_uw_per_mhz, dsp_mhz) * t.compute_cycles / f);
      s.add_energy("bram", memory_w(pw, core.bram36, core.uram, fabric_mhz) * s.seconds);
      s.add_energy("logic", logic_w(pw, core.lut, core.ff, fabric_mhz) * s.seconds);
      s.add_energy("ddr", static_cast<double>(m.dram_bytes()) * pw.ddr_pj_per_byte * 1e-12);
    }
    r.layers.push_back(std::move(l));
  }
  r.throughput_per_s = cycle ? sc_run.throughput_per_s * static_cast<double>(batch) : run.throughput_per_s;

  const Resources used = core * static_cast<double>(o.cores);
  const double run_cycles = cycle ? sc_run.first_inference_cycles : run.cycles_per_inference;
  const double cores = static_cast<double>(o.cores);
  const PowerBreakdown power = estimate_power(
      spec, used,
      {.dsp = run_cycles > 0 ? std::min(1.0, array_busy_cycles / run_cycles) : 0.0, .memory = 1.0},
      run_cycles > 0 ? cores * bytes * f / run_cycles : 0.0);
  r.resources = {{"engine", "overlay"},
                 {"dsp", used.dsp},
                 {"lut", used.lut},
                 {"ff", used.ff},
                 {"bram", used.bram36},
                 {"uram", used.uram},
                 {"aie", used.aie},
                 {"fits", true},
                 {"overflow", nlohmann::json::object()},
                 {"cores", o.cores},
                 {"processing_engines", o.processing_engines},
                 {"macs_per_cycle_per_core", peak},
                 {"peak_tops", 2.0 * peak * cores * f / 1e12},
                 {"core_bandwidth_gb_per_s", run.bytes_per_cycle * f / 1e9},
                 {"sustained_bandwidth_gb_per_s", overlay_sustained_bytes_per_cycle(spec) * f / 1e9},
                 {"bandwidth_bound", run.bandwidth_bound},
                 // Vitis AI reports both: the multi-threaded rate (every core busy) and one thread's
                 // latency (one core, the memory to itself).
                 {"multi_thread_throughput_per_s", r.throughput_per_s},
                 {"latency_s", run_cycles / f},
                 {"single_thread_latency_s", run.single_core_cycles / f},
                 {"single_thread_throughput_per_s",
                  run.single_core_cycles > 0
                      ? static_cast<double>(batch * o.images_per_pass()) * f / run.single_core_cycles
                      : 0.0},
                 {"images_per_batch", o.images_per_batch},
                 {"power_w", power.total_w()},
                 {"power_uncertainty", power.uncertainty},
                 {"power", power.to_json()},
                 {"calibration",
                  {{"ddr_efficiency", o.calibration.ddr_efficiency},
                   {"weight_burst_efficiency", o.calibration.weight_burst_efficiency},
                   {"layer_overhead_cycles", o.calibration.layer_overhead_cycles},
                   {"block_overhead_cycles", o.calibration.block_overhead_cycles},
                   {"tile_overhead_cycles", o.calibration.tile_overhead_cycles}}}};
  return r;
}

}  // namespace orrery::arch::fpga
