// Simulating one data-parallel replica's first tensor-parallel rank (what run_parallel does on a
// switched fabric) against simulating all devices: the replicas and TP ranks run the same program
// and meet only in their collectives, and on a switched fabric every device has links of its own,
// so the step and the first device's times of each stage must come out the same - on the
// analytical executor and on the SystemC model of devices and links. The golden value is the full
// program, all D x T devices of every stage.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "arch/interconnect/program.hpp"
#include "arch/interconnect/sc/run_program.hpp"
#include "sim/parallel/pipeline_stages.hpp"
#include "sim/parallel/step_program.hpp"
#include "sim/parallel/strategy.hpp"
#include "sim/parallel/tensor_parallel.hpp"
#include "tests/arch/interconnect/test_fabrics.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::sim::parallel {
namespace {

namespace ic = arch::interconnect;

// GPT-2 (2 blocks, tied LM head) sharded for `s`, with made-up but uneven per-op times and
// gradients of 4 bytes a parameter in 1 MiB buckets, so that buckets, ZeRO gathers, tensor-parallel
// collectives, pipeline sends and the tied-weight reduction all overlap one another.
struct Case {
  TpGraph tp;
  StepCosts costs;
  std::vector<StageSpan> chunks;
};

Case make_case(const Strategy& s) {
  const auto g = workloads::zoo::build_model("gpt2:layers=2,seq=128", {2, workloads::DType::fp16});
  Case c{shard_tensor_parallel(g, s.tp, s.sequence_parallel), {}, {}};
  const auto& ops = c.tp.graph.ops();
  for (size_t i = 0; i < ops.size(); ++i) {
    const double f = 2e-6 * static_cast<double>(1 + i % 5);
    c.costs.forward_s.push_back(f);
    c.costs.backward_s.push_back(2.2 * f);
    const double params = static_cast<double>(ops[i].weight_bytes()) / 2;  // fp16 weights
    c.costs.grad_bytes.push_back(4 * params);
    c.costs.weight_bytes.push_back(4 * params);
  }
  c.costs.bucket_bytes = 1024.0 * 1024;
  c.costs.optimizer_s = 3e-5;
  c.chunks = partition_stages(c.tp.graph, c.costs.forward_s, s.pp * s.virtual_stages);
  c.costs.ties = stage_ties(c.tp.graph, c.chunks, s.pp);
  return c;
}

TEST(StepProgram, OneRankTimesTheStepAsAllRanks) {
  const ic::Topology topo(test::switched(2, 8));  // replicas across nodes: DP traffic on the NICs
  for (const std::string text :
       {"dp=2,tp=2,pp=2,microbatches=4", "dp=2,tp=2,pp=2,microbatches=4,zero=1",
        "dp=4,tp=2,microbatches=2,zero=3", "dp=2,tp=2,pp=2,microbatches=4,sp=1,zero=2",
        "dp=4,pp=2,microbatches=4,virtual=2", "dp=2,tp=4,pp=2,microbatches=2,schedule=gpipe"}) {
    const Strategy s = parse_strategy(text);
    const Case c = make_case(s);
    const StepProgram all = build_step_program(s, c.costs, c.tp.comms, c.chunks, {s.dp, s.tp});
    const StepProgram one = build_step_program(s, c.costs, c.tp.comms, c.chunks, {1, 1});
    EXPECT_LT(one.program.tasks.size(), all.program.tasks.size()) << text;
    // SystemC's links re-share their bandwidth as messages come and go, so a replica's transfer
    // that meets the collective on its own link shifts the split of communication into hidden and
    // exposed by a few ns (10 ns of 0.5 ms seen, interleaved); the step is the same to 1e-9.
    const auto check = [&](const ic::ProgramResult& a, const ic::ProgramResult& b, const char* executor,
                           double split_tolerance) {
      EXPECT_NEAR(b.makespan_s, a.makespan_s, 1e-9 * a.makespan_s) << text << " " << executor;
      for (int64_t st = 0; st < s.pp; ++st) {
        const auto& x = a.devices[s.device(st, 0, 0)];
        const auto& y = b.devices[s.device(st, 0, 0)];
        const std::string at = fmt::format("{} {} stage {}", text, executor, st);
        EXPECT_NEAR(y.compute_s, x.compute_s, 1e-12) << at;
        EXPECT_NEAR(y.comm_exposed_s, x.comm_exposed_s, split_tolerance * a.makespan_s) << at;
        EXPECT_NEAR(y.comm_overlapped_s, x.comm_overlapped_s, split_tolerance * a.makespan_s) << at;
      }
    };
    check(ic::run_analytical(all.program, topo), ic::run_analytical(one.program, topo), "analytical", 1e-9);
    check(ic::sc::run_program(all.program, topo).program, ic::sc::run_program(one.program, topo).program,
          "systemc", 1e-4);
  }
}

}  // namespace
}  // namespace orrery::sim::parallel
