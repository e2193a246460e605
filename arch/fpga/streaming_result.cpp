#include "arch/fpga/streaming_result.hpp"

#include <cmath>

#include "arch/fpga/power.hpp"
#include "arch/fpga/sc/streaming_pipeline.hpp"
#include "arch/fpga/streaming_timing.hpp"
#include "mappers/fpga/streaming_mapper.hpp"

namespace orrery::arch::fpga {

using mappers::fpga::StreamingMapping;

RunResult simulate_streaming(const FpgaSpec& spec, const workloads::Graph& graph, const RunOptions& options) {
  const int64_t batch = std::max<int64_t>(1, options.batch);
  const StreamingMapping m = mappers::fpga::map_streaming(graph, spec, batch);
  const StreamingTiming t = streaming_timing(m, batch);
  const bool cycle = options.fidelity == Fidelity::cycle;
  sc::StreamingScResult sc_run;
  if (cycle) sc_run = sc::run_streaming_sc(m, batch);

  const double f = spec.fabric_hz, fabric_mhz = f / 1e6, dsp_mhz = spec.dsp_hz / 1e6;
  const auto& pw = spec.power;
  const int64_t period = cycle ? sc_run.period_cycles : t.period_cycles;
  const int64_t run_cycles = cycle ? sc_run.batch_cycles : t.batch_cycles;
  const double run_s = static_cast<double>(run_cycles) / f;

  // Which stage runs each op.
  std::vector<int> stage_of(graph.size(), -1);
  std::vector<bool> fused(graph.size(), false);
  for (size_t s = 0; s < m.stages.size(); ++s) {
    stage_of[m.stages[s].op_index] = static_cast<int>(s);
    for (size_t k : m.stages[s].fused_ops) {
      stage_of[k] = static_cast<int>(s);
      fused[k] = true;
    }
  }
  double total_lanes = 0, dsp_busy = 0, total_dsp = 0;
  for (const auto& s : m.stages) {
    if (s.shape.kind == StageKind::matrix) total_lanes += static_cast<double>(s.folding.lanes());
    total_dsp += static_cast<double>(s.cost.dsp);
    dsp_busy += static_cast<double>(s.cost.dsp * s.cost.cycles_per_image * batch);
  }

  RunResult r;
  for (size_t i = 0; i < graph.size(); ++i) {
    const auto& op = graph.ops()[i];
    const int si = stage_of[i];
    const auto& stage = m.stages[static_cast<size_t>(si)];
    LayerResult l{op.name, std::string(op.kind_name()), op.describe(), {}, nullptr};
    auto& s = l.stats;
    s.macs = op.macs();
    if (fused[i]) {
      l.mapping = {{"fused_into", stage.name}};
      r.layers.push_back(std::move(l));
      continue;
    }
    l.mapping = m.stage_json(static_cast<size_t>(si));
    const int64_t busy = cycle ? sc_run.stage_busy_cycles[static_cast<size_t>(si)]
                               : stage.cost.cycles_per_image * batch;
    s.cycles = busy;
    s.seconds = static_cast<double>(busy) / f;
    s.compute_cycles = busy;
    s.stall_cycles = cycle ? sc_run.stage_blocked_cycles[static_cast<size_t>(si)] : 0;
    if (stage.shape.kind == StageKind::matrix && busy > 0)
      s.utilization = std::min(1.0, static_cast<double>(s.macs) / (static_cast<double>(stage.folding.lanes()) *
                                                                    static_cast<double>(busy)));
    if (si == 0) s.dram_read_bytes = m.dma_in_bytes_per_image * batch;
    if (static_cast<size_t>(si) + 1 == m.stages.size()) s.dram_write_bytes = m.dma_out_bytes_per_image * batch;
    // Energy: the stage's DSPs while busy; its memories and logic and its share of the static
    // power (by LUTs) for the whole run; the DMA bytes at the pipeline's ends.
    const auto& c = stage.cost;
    const double lut_share = m.used.lut > 0 ? static_cast<double>(c.lut) / m.used.lut : 0.0;
    s.add_energy("static", pw.static_w * run_s * lut_share);
    s.add_energy("dsp", static_cast<double>(c.dsp) * pw.dsp_uw_per_mhz * 1e-6 * dsp_mhz * s.seconds);
    s.add_energy("bram", (static_cast<double>(c.bram36) * pw.bram_uw_per_mhz +
                          static_cast<double>(c.uram) * pw.uram_uw_per_mhz) * 1e-6 * fabric_mhz * run_s);
    s.add_energy("logic", (static_cast<double>(c.lut) / 1000.0 * pw.klut_uw_per_mhz +
                           static_cast<double>(c.ff) / 1000.0 * pw.kff_uw_per_mhz) * 1e-6 * fabric_mhz * run_s);
    s.add_energy("ddr", static_cast<double>(s.dram_read_bytes + s.dram_write_bytes) * pw.ddr_pj_per_byte * 1e-12);
    r.layers.push_back(std::move(l));
  }
  r.throughput_per_s = period > 0 ? f / static_cast<double>(period) : 0;
  finalize(r, batch);
  // A pipeline overlaps its stages: the run takes fill + period x images, not the sum of stages.
  r.total.cycles = run_cycles;
  r.total.seconds = run_s;
  r.total.utilization =
      total_lanes > 0 ? std::min(1.0, static_cast<double>(r.total.macs) / (total_lanes * static_cast<double>(run_cycles)))
                      : 0.0;
  r.total.check_invariants("total");

  const double ddr_bytes = static_cast<double>(r.total.dram_read_bytes + r.total.dram_write_bytes);
  const PowerBreakdown power =
      estimate_power(spec, m.used,
                     {.dsp = total_dsp > 0 ? std::min(1.0, dsp_busy / (total_dsp * static_cast<double>(run_cycles))) : 0,
                      .memory = 1.0},
                     ddr_bytes / run_s);
  r.resources = m.resources_json();
  r.resources["power_w"] = power.total_w();
  r.resources["power_uncertainty"] = power.uncertainty;
  r.resources["power"] = power.to_json();
  size_t bottleneck = 0;
  for (size_t s = 1; s < m.stages.size(); ++s)
    if (m.stages[s].cost.cycles_per_image > m.stages[bottleneck].cost.cycles_per_image) bottleneck = s;
  r.resources["pipeline"] = {{"stages", m.stages.size()},
                             {"period_cycles", period},
                             {"fill_cycles", t.fill_cycles},
                             {"latency_s", static_cast<double>(cycle ? sc_run.first_image_cycles : t.latency_cycles) / f},
                             {"bottleneck", m.period_cycles() == m.stages[bottleneck].cost.cycles_per_image
                                                ? m.stages[bottleneck].name
                                                : std::string("dma")},
                             {"dma_in_cycles", m.dma_in_cycles},
                             {"dma_out_cycles", m.dma_out_cycles},
                             {"fifo_depth_rows", m.fifo_depth_rows}};
  return r;
}

}  // namespace orrery::arch::fpga
