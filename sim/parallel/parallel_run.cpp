#include "sim/parallel/parallel_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "arch/interconnect/sc/run_program.hpp"
#include "arch/interconnect/topology.hpp"
#include "common/error.hpp"
#include "sim/parallel/tensor_parallel.hpp"
#include "sim/parallel/train_costs.hpp"

namespace orrery::sim::parallel {

namespace ic = arch::interconnect;

ParallelResult run_parallel(const arch::Family& family, const config::Resolved& cfg,
                            const workloads::Graph& graph, const Strategy& strategy,
                            const arch::RunOptions& options, int64_t global_batch,
                            const std::optional<workloads::training::TrainOptions>& train) {
  if (!cfg.schema().find("interconnect.collective.algorithm"))
    throw UsageError(
        fmt::format("--parallel: not supported yet: multi-device runs on the {} family ({} has no "
                    "interconnect model)",
                    cfg.family(), cfg.file()));
  ParallelResult r;
  r.strategy = strategy;
  r.interconnect = ic::read_spec(cfg);
  r.global_batch = global_batch;
  r.microbatch_size = global_batch / (strategy.dp * strategy.microbatches);
  if (strategy.devices() > r.interconnect.devices())
    throw UsageError(fmt::format(
        "--parallel {}: needs {} devices, {} has {} ({}); raise them with --set{}", strategy.describe(),
        strategy.devices(), cfg.file(), r.interconnect.devices(),
        r.interconnect.fabric == ic::Fabric::switched
            ? fmt::format("interconnect.nodes={} x interconnect.gpus_per_node={}", r.interconnect.nodes,
                          r.interconnect.devices_per_node)
            : fmt::format("interconnect.torus {}x{}x{}", r.interconnect.dims[0], r.interconnect.dims[1],
                          r.interconnect.dims[2]),
        r.interconnect.fabric == ic::Fabric::switched ? " interconnect.nodes=N" : " interconnect.torus.x=N"));

  const TpGraph tp = shard_tensor_parallel(graph, strategy.tp, strategy.sequence_parallel);
  arch::RunOptions run = options;
  run.batch = r.microbatch_size;
  for (const auto& op : tp.graph.ops()) r.op_names.push_back(op.name);
  StepCosts costs;
  if (train) {
    const workloads::training::TrainingStep step = workloads::training::build_training_step(tp.graph, *train);
    run.phases = step.phase;
    r.device_run = family.simulate(cfg, step.graph, run);
    TrainCosts tc = train_costs(step, tp.graph, r.device_run);
    // Stages balance each op's forward and backward together.
    std::vector<double> op_s(tc.costs.forward_s.size());
    for (size_t i = 0; i < op_s.size(); ++i) op_s[i] = tc.costs.forward_s[i] + tc.costs.backward_s[i];
    r.stages = partition_stages(tp.graph, op_s, strategy.pp * strategy.virtual_stages);
    tc.costs.ties = stage_ties(tp.graph, r.stages, strategy.pp);
    costs = tc.costs;
    r.stage_memory = stage_memory(step.memory, tc, r.stages, strategy);
    r.train = summarize_training(step, r.device_run, device_memory_bytes(cfg));
    auto fullest = std::max_element(r.stage_memory.begin(), r.stage_memory.end(),
                                    [](const auto& a, const auto& b) { return a.peak < b.peak; });
    TrainSummary& t = *r.train;
    t.memory = *fullest;
    t.overflow_bytes =
        t.capacity_bytes && t.memory.peak > *t.capacity_bytes ? t.memory.peak - *t.capacity_bytes : 0;
    t.layers.clear();
    t.notes.push_back(fmt::format(
        "parallel: forward_s, backward_s and optimizer_s are one microbatch on one device (the optimizer "
        "over "
        "the whole tensor-parallel graph, before stages and ZeRO share it); memory is stage {}'s device, the "
        "fullest",
        fullest - r.stage_memory.begin()));
  } else {
    r.device_run = family.simulate(cfg, tp.graph, run);
    for (const auto& l : r.device_run.layers) costs.forward_s.push_back(l.stats.seconds);
    for (const auto& op : tp.graph.ops())
      costs.weight_bytes.push_back(static_cast<double>(op.weight_bytes()));
    r.stages = partition_stages(tp.graph, costs.forward_s, strategy.pp * strategy.virtual_stages);
  }
  // The data-parallel replicas run the same program, and so do the tensor-parallel ranks; on a
  // switched fabric (links per device) they meet only in their collectives, which span the whole
  // group either way, so one replica's first TP rank is simulated and the others take its devices'
  // times. A torus shares links between them: all of them run.
  const bool switched = r.interconnect.fabric == ic::Fabric::switched;
  r.ranks = switched ? SimulatedRanks{1, 1} : SimulatedRanks{strategy.dp, strategy.tp};
  r.program = build_step_program(strategy, costs, tp.comms, r.stages, r.ranks);

  // The run's devices are the first ones of the interconnect (tensor-parallel ranks adjacent).
  ic::InterconnectSpec used = r.interconnect;
  const ic::Topology topo(used);
  r.program.program.devices = topo.devices();
  if (options.fidelity == arch::Fidelity::cycle)
    r.timing = ic::sc::run_program(r.program.program, topo).program;
  else
    r.timing = ic::run_analytical(r.program.program, topo);
  r.program.program.devices = strategy.devices();
  r.timing.devices.resize(strategy.devices());
  for (int64_t st = 0; st < strategy.pp; ++st)
    for (int64_t d = 0; d < strategy.dp; ++d)
      for (int64_t t = 0; t < strategy.tp; ++t)
        if (d >= r.ranks.replicas || t >= r.ranks.tp_ranks)
          r.timing.devices[strategy.device(st, d, t)] =
              r.timing.devices[strategy.device(st, d % r.ranks.replicas, t % r.ranks.tp_ranks)];
  r.step_s = r.timing.makespan_s;
  return r;
}

nlohmann::json parallel_json(const ParallelResult& r) {
  const Strategy& s = r.strategy;
  nlohmann::json j;
  j["strategy"] = {{"dp", s.dp},
                   {"tp", s.tp},
                   {"pp", s.pp},
                   {"microbatches", s.microbatches},
                   {"sp", s.sequence_parallel},
                   {"zero", s.zero},
                   {"schedule", to_string(s.schedule)},
                   {"virtual_stages", s.virtual_stages}};
  j["devices"] = s.devices();
  j["simulated"] = {{"replicas", r.ranks.replicas}, {"tp_ranks", r.ranks.tp_ranks}};
  j["global_batch"] = r.global_batch;
  j["microbatch_size"] = r.microbatch_size;
  const auto& ic = r.interconnect;
  if (ic.fabric == ic::Fabric::switched)
    j["interconnect"] = {{"fabric", "switched"},
                         {"nodes", ic.nodes},
                         {"devices_per_node", ic.devices_per_node},
                         {"intra_node", ic.intra_name},
                         {"intra_node_bytes_per_s", ic.intra.bytes_per_s},
                         {"inter_node_bytes_per_s", ic.inter.bytes_per_s},
                         {"algorithm", ic::to_string(ic.algorithm)}};
  else
    j["interconnect"] = {{"fabric", "torus"},
                         {"dims", {ic.dims[0], ic.dims[1], ic.dims[2]}},
                         {"link_bytes_per_s", ic.torus_link.bytes_per_s},
                         {"algorithm", ic::to_string(ic.algorithm)}};
  j["step_s"] = r.step_s;
  j["throughput_per_s"] = r.step_s > 0 ? static_cast<double>(r.global_batch) / r.step_s : 0.0;
  j["pipeline_bubble_ideal"] =
      static_cast<double>(s.pp - 1) / static_cast<double>(s.microbatches * s.virtual_stages);
  j["stages"] = nlohmann::json::array();
  for (size_t k = 0; k < r.stages.size(); ++k) {
    const auto& st = r.stages[k];
    j["stages"].push_back(
        {{"stage", k % s.pp},
         {"chunk", k},
         {"first_layer", r.op_names[st.first_op]},
         {"last_layer", r.op_names[st.end_op - 1]},
         {"ops", st.end_op - st.first_op},
         {r.train ? "forward_backward_s_per_microbatch" : "forward_s_per_microbatch", st.seconds},
         {"send_bytes_per_microbatch", st.send_bytes}});
    if (k % s.pp < r.stage_memory.size()) {
      const auto& m = r.stage_memory[k % s.pp];
      j["stages"].back()["memory_per_device"] = {{"weights", m.weights},     {"gradients", m.gradients},
                                                 {"optimizer", m.optimizer}, {"activations", m.activations},
                                                 {"workspace", m.workspace}, {"peak", m.peak}};
    }
  }
  // Per device, and the step's worst device for each part.
  nlohmann::json devices = nlohmann::json::array();
  ic::DeviceTime worst;
  for (int64_t d = 0; d < s.devices(); ++d) {
    const auto& t = r.timing.devices[d];
    const int64_t stage = d / (s.dp * s.tp), dp_rank = (d / s.tp) % s.dp, tp_rank = d % s.tp;
    devices.push_back({{"device", d},
                       {"stage", stage},
                       {"dp_rank", dp_rank},
                       {"tp_rank", tp_rank},
                       {"compute_s", t.compute_s},
                       {"comm_exposed_s", t.comm_exposed_s},
                       {"comm_overlapped_s", t.comm_overlapped_s},
                       {"idle_s", t.idle_s}});
    if (static_cast<size_t>(stage) < r.stage_memory.size())
      devices.back()["peak_memory_bytes"] = r.stage_memory[static_cast<size_t>(stage)].peak;
    worst.compute_s = std::max(worst.compute_s, t.compute_s);
    worst.comm_exposed_s = std::max(worst.comm_exposed_s, t.comm_exposed_s);
    worst.comm_overlapped_s = std::max(worst.comm_overlapped_s, t.comm_overlapped_s);
    worst.idle_s = std::max(worst.idle_s, t.idle_s);
  }
  j["step"] = {{"seconds", r.step_s},
               {"max_compute_s", worst.compute_s},
               {"max_comm_exposed_s", worst.comm_exposed_s},
               {"max_comm_overlapped_s", worst.comm_overlapped_s},
               {"max_idle_s", worst.idle_s}};
  j["per_device"] = devices;
  // Collectives by category and kind: count, bytes, and time summed over their instances (the
  // ranks not simulated ran the same ones as the simulated: a tensor-parallel collective is one per
  // replica, a data-parallel one per TP rank, a pipeline transfer per replica and TP rank).
  std::map<std::pair<std::string, std::string>, std::tuple<int64_t, double, double>> sums;
  const auto& tasks = r.program.program.tasks;
  const int64_t dp_copies = s.dp / r.ranks.replicas, tp_copies = s.tp / r.ranks.tp_ranks;
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!tasks[i].is_collective) continue;
    const std::string& cat = tasks[i].category;
    const int64_t n = cat == "tp" ? dp_copies : cat == "dp" ? tp_copies : dp_copies * tp_copies;
    auto& [count, bytes, seconds] = sums[{tasks[i].category, ic::to_string(tasks[i].collective.kind)}];
    count += n;
    bytes += static_cast<double>(n) * tasks[i].collective.bytes;
    seconds += static_cast<double>(n) * (r.timing.tasks[i].end_s - r.timing.tasks[i].start_s);
  }
  j["collectives"] = nlohmann::json::array();
  for (const auto& [key, v] : sums)
    j["collectives"].push_back({{"category", key.first},
                                {"kind", key.second},
                                {"count", std::get<0>(v)},
                                {"bytes", std::get<1>(v)},
                                {"seconds", std::get<2>(v)}});
  j["notes"] =
      "energy and counters in total are the compute of all devices; communication energy is not modelled";
  return j;
}

arch::RunResult step_run_result(const ParallelResult& r) {
  arch::RunResult out = r.device_run;
  const Strategy& s = r.strategy;
  // Every op of the tensor-parallel graph runs on dp x tp devices of its stage, once per microbatch.
  const double copies = static_cast<double>(s.dp * s.tp * s.microbatches);
  arch::Stats& t = out.total;
  const double cycles_per_s = t.seconds > 0 ? static_cast<double>(t.cycles) / t.seconds : 0.0;
  t.energy_j *= copies;
  for (auto& [k, v] : t.energy_breakdown_j) v *= copies;
  const auto scale = [&](int64_t& v) { v = static_cast<int64_t>(static_cast<double>(v) * copies); };
  scale(t.dram_read_bytes);
  scale(t.dram_write_bytes);
  scale(t.sram_read_bytes);
  scale(t.sram_write_bytes);
  scale(t.l2_bytes);
  scale(t.macs);
  scale(t.compute_cycles);
  scale(t.stall_cycles);
  // Utilization: the compute's share of the devices' time over the step.
  const double busy = r.device_run.total.seconds * copies;
  t.utilization = r.step_s > 0
                      ? std::min(1.0, t.utilization * busy / (r.step_s * static_cast<double>(s.devices())))
                      : 0.0;
  t.seconds = r.step_s;
  t.cycles = static_cast<int64_t>(r.step_s * cycles_per_s);
  out.throughput_per_s = r.step_s > 0 ? static_cast<double>(r.global_batch) / r.step_s : 0.0;
  return out;
}

}  // namespace orrery::sim::parallel
