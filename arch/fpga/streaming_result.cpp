#include "arch/fpga/streaming_result.hpp"

#include <cmath>

#include "arch/fpga/power.hpp"
#include "arch/fpga/sc/streaming_pipeline.hpp"
#include "arch/fpga/streaming_timing.hpp"
#include "mappers/fpga/streaming_mapper.hpp"

namespace orrery::arch::fpga {

using mappers::fpga::StreamingMapping;

namespace {

// How the pipeline ran: from the analytical timing or from the SystemC run.
struct PipelineRun {
  int64_t batch = 1;
  int64_t period_cycles = 0, run_cycles = 0, latency_cycles = 0, fill_cycles = 0;
  double run_s = 0;
  const sc::StreamingScResult* sc = nullptr;  // cycle fidelity
  int64_t busy_cycles(const mappers::fpga::StreamingStage& stage, size_t si) const {
    return sc ? sc->stage_busy_cycles[si] : stage.cost.cycles_per_image * batch;
  }
};

// One stage's layer: its busy cycles, the DMA bytes at the pipeline's ends, and its energy: the
// stage's DSPs while busy; its memories and logic and its share of the static power (by LUTs)
// for the whole run; the DMA bytes.
Stats stage_stats(const FpgaSpec& spec, const StreamingMapping& m, size_t si, int64_t macs,
                  const PipelineRun& run) {
  const double f = spec.fabric_hz, fabric_mhz = f / 1e6, dsp_mhz = spec.dsp_hz / 1e6;
  const auto& pw = spec.power;
  const auto& stage = m.stages[si];
  Stats s;
  s.macs = macs;
  const int64_t busy = run.busy_cycles(stage, si);
  s.cycles = busy;
  s.seconds = static_cast<double>(busy) / f;
  s.compute_cycles = busy;
  s.stall_cycles = run.sc ? run.sc->stage_blocked_cycles[si] : 0;
  if (stage.shape.kind == StageKind::matrix && busy > 0)
    s.utilization = std::min(1.0, static_cast<double>(s.macs) / (static_cast<double>(stage.folding.lanes()) *
                                                                 static_cast<double>(busy)));
  if (si == 0) s.dram_read_bytes = m.dma_in_bytes_per_image * run.batch;
  if (si + 1 == m.stages.size()) s.dram_write_bytes = m.dma_out_bytes_per_image * run.batch;
  if (stage.store == WeightStore::ddr) s.dram_read_bytes += stage_ddr_weight_bytes(stage.shape) * run.batch;
  const auto& c = stage.cost;
  const double lut_share = m.used.lut > 0 ? static_cast<double>(c.lut) / m.used.lut : 0.0;
  const Resources r = c.resources();
  s.add_energy("static", pw.static_w * run.run_s * lut_share);
  s.add_energy("dsp", dynamic_w(r.dsp, pw.dsp_uw_per_mhz, dsp_mhz) * s.seconds);
  s.add_energy("bram", memory_w(pw, r.bram36, r.uram, fabric_mhz) * run.run_s);
  s.add_energy("logic", logic_w(pw, r.lut, r.ff, fabric_mhz) * run.run_s);
  s.add_energy("ddr",
               static_cast<double>(s.dram_read_bytes + s.dram_write_bytes) * pw.ddr_pj_per_byte * 1e-12);
  return s;
}

// The design's resources (fits, overflow), its power at the run's activity and the pipeline's
// shape (period, fill, latency, bottleneck).
nlohmann::json pipeline_resources(const FpgaSpec& spec, const StreamingMapping& m, const PipelineRun& run,
                                  int64_t dram_bytes) {
  const double f = spec.fabric_hz;
  double dsp_busy = 0, total_dsp = 0;
  for (const auto& s : m.stages) {
    total_dsp += static_cast<double>(s.cost.dsp);
    dsp_busy += static_cast<double>(s.cost.dsp * s.cost.cycles_per_image * run.batch);
  }
  const double ddr_bytes = static_cast<double>(dram_bytes);
  const PowerBreakdown power = estimate_power(
      spec, m.used,
      {.dsp = total_dsp > 0 ? std::min(1.0, dsp_busy / (total_dsp * static_cast<double>(run.run_cycles))) : 0,
       .memory = 1.0},
      ddr_bytes / run.run_s);
  nlohmann::json res = m.resources_json();
  res["power_w"] = power.total_w();
  res["power_uncertainty"] = power.uncertainty;
  res["power"] = power.to_json();
  size_t bottleneck = 0;
  for (size_t s = 1; s < m.stages.size(); ++s)
    if (m.stages[s].cost.cycles_per_image > m.stages[bottleneck].cost.cycles_per_image) bottleneck = s;
  res["pipeline"] = {{"stages", m.stages.size()},
                     {"period_cycles", run.period_cycles},
                     {"fill_cycles", run.fill_cycles},
                     {"latency_s", static_cast<double>(run.latency_cycles) / f},
                     {"bottleneck", m.period_cycles() == m.stages[bottleneck].cost.cycles_per_image
                                        ? m.stages[bottleneck].name
                                        : std::string("dma")},
                     {"dma_in_cycles", m.dma_in_cycles},
                     {"dma_out_cycles", m.dma_out_cycles},
                     {"ddr_cycles", m.ddr_cycles},
                     {"fifo_depth_rows", m.fifo_depth_rows}};
  return res;
}

}  // namespace

RunResult evaluate_streaming(const FpgaSpec& spec, const workloads::Graph& graph,
                             const StreamingMappings& mappings, const EvalOptions& options) {
  const StreamingMapping& m = mappings.design();
  PipelineRun run;
  run.batch = std::max<int64_t>(1, options.batch);
  const StreamingTiming t = streaming_timing(m, run.batch);
  sc::StreamingScResult sc_run;
  if (options.fidelity == Fidelity::cycle) {
    sc_run = sc::run_streaming_sc(m, run.batch);
    run.sc = &sc_run;
  }
  run.period_cycles = run.sc ? sc_run.period_cycles : t.period_cycles;
  run.run_cycles = run.sc ? sc_run.batch_cycles : t.batch_cycles;
  run.latency_cycles = run.sc ? sc_run.first_image_cycles : t.latency_cycles;
  run.fill_cycles = t.fill_cycles;
  run.run_s = static_cast<double>(run.run_cycles) / spec.fabric_hz;

  RunResult r;
  int64_t macs = 0, dram_bytes = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    const auto& op = graph.ops()[i];
    LayerResult l;
    l.name = op.name;
    l.op = std::string(op.kind_name());
    l.shape = op.describe();
    l.mapping = mappings.layer_json(i);
    l.stats.macs = op.macs();
    if (!mappings.fused(i)) l.stats = stage_stats(spec, m, mappings.stage_of(i), op.macs(), run);
    macs += l.stats.macs;
    dram_bytes += l.stats.dram_read_bytes + l.stats.dram_write_bytes;
    r.layers.push_back(std::move(l));
  }
  r.throughput_per_s = run.period_cycles > 0 ? spec.fabric_hz / static_cast<double>(run.period_cycles) : 0;
  // A pipeline overlaps its stages: the run takes fill + period x images, not the sum of stages.
  double total_lanes = 0;
  for (const auto& s : m.stages)
    if (s.shape.kind == StageKind::matrix) total_lanes += static_cast<double>(s.folding.lanes());
  r.overlapped = OverlappedTotal{
      run.run_cycles, run.run_s,
      total_lanes > 0
          ? std::min(1.0, static_cast<double>(macs) / (total_lanes * static_cast<double>(run.run_cycles)))
          : 0.0};
  r.resources = pipeline_resources(spec, m, run, dram_bytes);
  return r;
}

}  // namespace orrery::arch::fpga
