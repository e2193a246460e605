// Parallel-step speed: the step program of a Megatron-scale training step (GPT, 60 layers of
// d = 10,240, tp = 8, pp = 4, dp = 32: 1,024 devices, 14 microbatches) built and run on the
// analytical executor, with one rank simulated for all (what run_parallel does on a switched
// fabric) and with every device given its tasks. Per-op times are made up (uniform), so this
// measures the program and the executor, not the family model. Results: bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include "arch/interconnect/program.hpp"
#include "arch/interconnect/topology.hpp"
#include "sim/parallel/pipeline_stages.hpp"
#include "sim/parallel/step_program.hpp"
#include "sim/parallel/strategy.hpp"
#include "sim/parallel/tensor_parallel.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::sim::parallel {
namespace {

namespace ic = arch::interconnect;

void parallel_step(benchmark::State& state, bool one_rank) {
  const Strategy s = parse_strategy("dp=32,tp=8,pp=4,microbatches=14");
  const auto g = workloads::zoo::build_model("gpt2:layers=60,d_model=10240,heads=80,seq=2048,positions=2048",
                                             {4, workloads::DType::fp16});
  const TpGraph tp = shard_tensor_parallel(g, s.tp, false);
  StepCosts c;
  for (const auto& op : tp.graph.ops()) {
    c.forward_s.push_back(1e-4);
    c.backward_s.push_back(2e-4);
    c.grad_bytes.push_back(2.0 * static_cast<double>(op.weight_bytes()));
    c.weight_bytes.push_back(2.0 * static_cast<double>(op.weight_bytes()));
  }
  c.optimizer_s = 1e-2;
  const auto chunks = partition_stages(tp.graph, c.forward_s, s.pp);
  ic::InterconnectSpec spec;
  spec.fabric = ic::Fabric::switched;
  spec.nodes = 128;
  spec.devices_per_node = 8;
  spec.intra = {300e9, 1e-6};
  spec.inter = {25e9, 5e-6};
  const ic::Topology topo(spec);
  const SimulatedRanks ranks = one_rank ? SimulatedRanks{1, 1} : SimulatedRanks{s.dp, s.tp};
  size_t tasks = 0;
  for (auto _ : state) {
    StepProgram p = build_step_program(s, c, tp.comms, chunks, ranks);
    p.program.devices = topo.devices();
    tasks = p.program.tasks.size();
    benchmark::DoNotOptimize(ic::run_analytical(p.program, topo));
  }
  state.counters["tasks"] = static_cast<double>(tasks);
}

BENCHMARK_CAPTURE(parallel_step, one_rank, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parallel_step, all_devices, false)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace orrery::sim::parallel
