// Parallel runs (sim/parallel): the --parallel argument, Megatron tensor-parallel sharding of the
// zoo's GPT-2, pipeline stage partitioning, and step programs whose times are hand-derived
// (pipeline bubbles (P-1)/M of Narayanan et al. SC'21; DDP bucket overlap).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <numeric>
#include <tuple>

#include "arch/interconnect/program.hpp"
#include "common/error.hpp"
#include "sim/parallel/pipeline_stages.hpp"
#include "sim/parallel/step_program.hpp"
#include "sim/parallel/strategy.hpp"
#include "sim/parallel/tensor_parallel.hpp"
#include "sim/parallel/train_costs.hpp"
#include "tests/arch/interconnect/test_fabrics.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::sim::parallel {
namespace {

namespace ic = arch::interconnect;

TEST(Strategy, ParsesAndRejects) {
  const Strategy s = parse_strategy("dp=2,tp=4,pp=2,microbatches=8,sp=1,zero=1,schedule=gpipe");
  EXPECT_EQ(s.devices(), 16);
  EXPECT_EQ(s.device(1, 1, 3), 8 + 4 + 3);  // Megatron order: tp fastest, then dp, then pp
  EXPECT_EQ(s.tp_group(1, 0), (std::vector<int64_t>{8, 9, 10, 11}));
  EXPECT_EQ(s.dp_group(0, 2), (std::vector<int64_t>{2, 6}));
  EXPECT_EQ(s.schedule, Schedule::gpipe);
  EXPECT_THROW(parse_strategy("dp=0"), UsageError);
  EXPECT_THROW(parse_strategy("tp=2,tp=2"), UsageError);
  EXPECT_THROW(parse_strategy("pipeline=2"), UsageError);
  EXPECT_THROW(parse_strategy("zero=4"), UsageError);
  EXPECT_THROW(parse_strategy("sp=1"), UsageError);  // sequence parallel needs tp > 1
  EXPECT_THROW(parse_strategy("schedule=interleaved"), UsageError);
  EXPECT_EQ(parse_strategy("pp=4,microbatches=8,virtual=3").virtual_stages, 3);
  EXPECT_THROW(parse_strategy("virtual=2"), UsageError);                      // pp = 1
  EXPECT_THROW(parse_strategy("pp=4,microbatches=6,virtual=2"), UsageError);  // 6 % 4
  EXPECT_THROW(parse_strategy("pp=2,microbatches=4,virtual=2,schedule=gpipe"), UsageError);
}

workloads::Graph gpt2(int64_t layers) {
  return workloads::zoo::build_model("gpt2:layers=" + std::to_string(layers), {2, workloads::DType::fp16});
}

int64_t sum_macs(const workloads::Graph& g, workloads::OpKind kind) {
  int64_t m = 0;
  for (const auto& op : g.ops())
    if (op.kind() == kind) m += op.macs();
  return m;
}

// GPT-2 (d = 768, 12 heads) at tp = 4: c_attn n = 3d/4, attention 3 heads, c_proj and mlp.c_proj
// k/4, c_fc n = 4d/4; the blocks' MACs / 4; two all-reduces of b*s*d per block forward (the
// outputs of attn.c_proj and mlp.c_proj) plus the vocab-parallel embedding's, and two backward
// all-reduces per block (before c_attn and c_fc).
TEST(TensorParallel, Gpt2Megatron) {
  const workloads::Graph g = gpt2(2);
  const TpGraph t = shard_tensor_parallel(g, 4, false);
  ASSERT_EQ(t.graph.size(), g.size());
  for (size_t i = 0; i < g.size(); ++i) {
    const auto& op = t.graph.ops()[i];
    if (op.name == "h.0.attn.c_attn") {
      EXPECT_EQ(op.get<workloads::GemmParams>()->n, 3 * 768 / 4);
    }
    if (op.name == "h.0.attn.c_proj") {
      EXPECT_EQ(op.get<workloads::GemmParams>()->k, 768 / 4);
    }
    if (op.name == "h.0.mlp.c_fc") {
      EXPECT_EQ(op.get<workloads::GemmParams>()->n, 4 * 768 / 4);
    }
    if (op.name == "h.0.attn.attn") {
      EXPECT_EQ(op.get<workloads::AttentionParams>()->heads, 3);
    }
    if (op.name == "wte") {
      EXPECT_EQ(op.get<workloads::EmbeddingParams>()->vocab, (50257 + 3) / 4);
    }
    if (op.name == "wpe") {
      EXPECT_EQ(op.get<workloads::EmbeddingParams>()->vocab, 1024);
    }
  }
  EXPECT_EQ(sum_macs(t.graph, workloads::OpKind::attention) * 4, sum_macs(g, workloads::OpKind::attention));
  int fwd_all_reduce = 0, bwd_all_reduce = 0;
  const double bsd = 2.0 * 128 * 768 * 2;  // batch 2, 128 tokens, d 768, fp16
  for (const auto& c : t.comms) {
    if (c.forward == ic::CollectiveKind::all_reduce) {
      ++fwd_all_reduce;
      EXPECT_DOUBLE_EQ(c.bytes, bsd);
    }
    if (c.backward == ic::CollectiveKind::all_reduce) ++bwd_all_reduce;
  }
  EXPECT_EQ(fwd_all_reduce, 2 * 2 + 1);  // + the word embedding's
  // Backward: before each block's c_attn and c_fc, and before the tied LM head.
  EXPECT_EQ(bwd_all_reduce, 2 * 2 + 1);
}

// Sequence parallelism: each all-reduce becomes a reduce-scatter, and an all-gather precedes
// each column-split linear; layer norms and residual adds work on s/T tokens.
TEST(TensorParallel, Gpt2SequenceParallel) {
  const workloads::Graph g = gpt2(2);
  const TpGraph t = shard_tensor_parallel(g, 2, true);
  int rs = 0, ag = 0, ar = 0;
  for (const auto& c : t.comms) {
    rs += c.forward == ic::CollectiveKind::reduce_scatter;
    ag += c.forward == ic::CollectiveKind::all_gather;
    ar += c.forward == ic::CollectiveKind::all_reduce;
  }
  EXPECT_EQ(ar, 0);
  EXPECT_EQ(rs, 2 * 2 + 1);
  EXPECT_EQ(ag, 2 * 2 + 1);  // before c_attn, c_fc and the LM head
  for (const auto& op : t.graph.ops())
    if (op.name == "h.1.ln_1") {
      EXPECT_EQ(op.get<workloads::NormParams>()->rows, 2 * 128 / 2);
    }
}

TEST(TensorParallel, RejectsIndivisibleHeadsAndSplitConvs) {
  EXPECT_THROW(shard_tensor_parallel(gpt2(1), 5, false), WorkloadError);  // 768 % 5
  const auto resnet = workloads::zoo::build_model("resnet18", {1, workloads::DType::fp16});
  // Convs run replicated; the classifier's linear is column-split.
  EXPECT_NO_THROW(shard_tensor_parallel(resnet, 2, false));
}

// n ops weighing 1 each except the last, n - 1: the only best split into 2 stages puts the
// last op alone (both stages n - 1); any other cut makes the second stage heavier.
TEST(PipelineStages, BalancedHandDerived) {
  const workloads::Graph g = gpt2(1);
  const auto n = static_cast<double>(g.size());
  std::vector<double> w(g.size(), 1.0);
  w.back() = n - 1;
  const auto stages = partition_stages(g, w, 2);
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_DOUBLE_EQ(stages[0].seconds, n - 1);
  EXPECT_DOUBLE_EQ(stages[1].seconds, n - 1);
  EXPECT_EQ(stages[1].first_op, g.size() - 1);
  // What crosses the cut before the LM head: ln_f's output, b*s*d fp16.
  EXPECT_DOUBLE_EQ(stages[0].send_bytes, 2.0 * 128 * 768 * 2);
}

// Stages end at layer boundaries: with every op weighing the same, GPT-2's 4 blocks split into 2
// stages where only the residual stream (b*s*d fp16) is live, never inside attention or the MLP.
TEST(PipelineStages, CutsAtLayerBoundaries) {
  const workloads::Graph g = gpt2(4);
  const auto stages = partition_stages(g, std::vector<double>(g.size(), 1.0), 2);
  EXPECT_DOUBLE_EQ(stages[0].send_bytes, 2.0 * 128 * 768 * 2);
  EXPECT_DOUBLE_EQ(stages[0].send_bytes, cut_bytes(g, stages[0].end_op));
}

// A synthetic step: P stages of one op each, f forward and b backward per microbatch, nothing
// sent (0 bytes), one device per stage. Both schedules take (M + P - 1)(f + b); every device is
// busy M(f + b) and idle (P - 1)(f + b): the bubble is (P - 1)/M of the ideal time (Narayanan et
// al., SC'21, as cited in shared/reference/gpu.md). Forward only: (M + P - 1) f.
TEST(StepProgram, PipelineBubbleHandDerived) {
  const ic::Topology topo(test::switched(1, 8));
  const int64_t p = 4, m = 8;
  const double f = 1e-3, b = 2e-3;
  std::vector<StageSpan> stages;
  for (int64_t s = 0; s < p; ++s)
    stages.push_back({static_cast<size_t>(s), static_cast<size_t>(s + 1), f, 0});
  for (Schedule sched : {Schedule::gpipe, Schedule::one_f_one_b}) {
    Strategy s;
    s.pp = p;
    s.microbatches = m;
    s.schedule = sched;
    StepCosts c;
    c.forward_s.assign(p, f);
    c.backward_s.assign(p, b);
    const auto prog = build_step_program(s, c, {}, stages, {s.dp, s.tp});
    const auto r = ic::run_analytical(prog.program, topo);
    EXPECT_NEAR(r.makespan_s, (m + p - 1) * (f + b), 1e-12) << to_string(sched);
    for (int64_t d = 0; d < p; ++d) {
      EXPECT_NEAR(r.devices[d].compute_s, m * (f + b), 1e-12);
      EXPECT_NEAR(r.devices[d].idle_s / r.devices[d].compute_s, double(p - 1) / m, 1e-9);
    }
  }
  Strategy s;
  s.pp = p;
  s.microbatches = m;
  StepCosts c;
  c.forward_s.assign(p, f);
  const auto r = ic::run_analytical(build_step_program(s, c, {}, stages, {s.dp, s.tp}).program, topo);
  EXPECT_NEAR(r.makespan_s, (m + p - 1) * f, 1e-12);
}

// Interleaved 1F1B (Megatron-LM, Narayanan et al. SC'21 section 2.2.2): P stages of V chunks each,
// a chunk's forward f/V and backward b/V, nothing sent. The bubble shrinks V-fold: the step is
// M(f + b) + (P - 1)(f + b)/V (the paper's t_pb = (p - 1)(t_f + t_b)/v), every device busy M(f + b).
TEST(StepProgram, InterleavedBubbleHandDerived) {
  const ic::Topology topo(test::switched(1, 8));
  const double f = 1e-3, b = 2e-3;
  for (const auto& [p, v, m] : {std::tuple{4, 2, 8}, {4, 3, 8}, {2, 4, 6}, {4, 2, 4}}) {
    std::vector<StageSpan> chunks;
    for (int64_t k = 0; k < p * v; ++k)
      chunks.push_back({static_cast<size_t>(k), static_cast<size_t>(k + 1), (f + b) / v, 0});
    Strategy s;
    s.pp = p;
    s.virtual_stages = v;
    s.microbatches = m;
    StepCosts c;
    c.forward_s.assign(p * v, f / v);
    c.backward_s.assign(p * v, b / v);
    const auto r = ic::run_analytical(build_step_program(s, c, {}, chunks, {s.dp, s.tp}).program, topo);
    const std::string at = fmt::format("p={} v={} m={}", p, v, m);
    EXPECT_NEAR(r.makespan_s, m * (f + b) + (p - 1) * (f + b) / v, 1e-12) << at;
    for (int64_t d = 0; d < p; ++d) EXPECT_NEAR(r.devices[d].compute_s, m * (f + b), 1e-12) << at;
  }
}

// Activation memory of the interleaved schedule: stage s holds (P-1-s) x 2 + (V-1) x P + 1 chunk
// microbatches at the end of its warm-up, each a 1/V of its activations; on stage 0 that is
// 1 + (P-1)/(P V) times 1F1B's P microbatches (Korthikanti et al. 2022, section 4.2.3). Eight ops
// saving 100 B each, P = 2, V = 2: stage 0 holds chunks 0 and 2 (400 B a microbatch) and keeps 5
// chunk microbatches at M = 4 (1,000 B, 1.25 x 1F1B's 800 B), stage 1 keeps 3 (600 B); at M = P
// every forward runs first (4 chunk microbatches: 800 B).
TEST(StepProgram, InterleavedActivationMemory) {
  TrainCosts tc;
  tc.costs.forward_s.assign(8, 1e-3);
  tc.costs.backward_s.assign(8, 2e-3);
  tc.costs.grad_bytes.assign(8, 0);
  tc.costs.weight_bytes.assign(8, 0);
  tc.params.assign(8, 0);
  tc.saved_bytes.assign(8, 100);
  workloads::training::Memory whole;
  whole.activations = whole.peak = 800;
  const auto spans = [](int64_t n) {
    std::vector<StageSpan> out;
    for (int64_t k = 0; k < n; ++k)
      out.push_back({static_cast<size_t>(8 / n * k), static_cast<size_t>(8 / n * (k + 1)), 0, 0});
    return out;
  };
  Strategy s;
  s.pp = 2;
  s.microbatches = 4;
  const auto plain = stage_memory(whole, tc, spans(2), s);
  EXPECT_EQ(plain[0].activations, 800);
  EXPECT_EQ(plain[1].activations, 400);
  s.virtual_stages = 2;
  const auto inter = stage_memory(whole, tc, spans(4), s);
  EXPECT_EQ(inter[0].activations, 1000);
  EXPECT_EQ(inter[1].activations, 600);
  EXPECT_DOUBLE_EQ(double(inter[0].activations) / double(plain[0].activations), 1 + (2.0 - 1) / (2 * 2));
  s.microbatches = 2;
  EXPECT_EQ(stage_memory(whole, tc, spans(4), s)[0].activations, 800);
}

// 1F1B keeps at most P - s microbatches in flight on stage s (its memory advantage over GPipe):
// check the order on stage 0 of P = 3, M = 4: F0 F1 F2 B0 F3 B1 B2 B3.
TEST(StepProgram, OneFOneBOrder) {
  std::vector<StageSpan> stages = {{0, 1, 1, 0}, {1, 2, 1, 0}, {2, 3, 1, 0}};
  Strategy s;
  s.pp = 3;
  s.microbatches = 4;
  StepCosts c;
  c.forward_s.assign(3, 1e-3);
  c.backward_s.assign(3, 1e-3);
  const auto prog = build_step_program(s, c, {}, stages, {s.dp, s.tp});
  std::string order;
  for (size_t i = 0; i < prog.program.tasks.size(); ++i)
    if (!prog.program.tasks[i].is_collective && prog.program.tasks[i].device == 0 &&
        prog.tags[i].microbatch >= 0)
      order += fmt::format("{}{} ", prog.tags[i].phase, prog.tags[i].microbatch);
  EXPECT_EQ(order, "F0 F1 F2 B0 F3 B1 B2 B3 ");
}

// DDP: dp = 2, one stage of 4 ops, backward 1 ms each, 25 MiB of gradients each: 4 buckets, each
// all-reduced over the pair (100 GB/s, 1 us per step, 2 steps of 12.5 MiB: 2 us + 131.072 us) as
// soon as its op's backward is done, overlapped with the next op's backward. Only the last
// bucket is exposed: step = F + 4 ms + 133.072 us + optimizer (0.5 ms).
TEST(StepProgram, DataParallelBucketsOverlapTheBackward) {
  const ic::Topology topo(test::switched(1, 2));
  Strategy s;
  s.dp = 2;
  StepCosts c;
  c.forward_s.assign(4, 0.5e-3);
  c.backward_s.assign(4, 1e-3);
  c.grad_bytes.assign(4, 25.0 * 1024 * 1024);
  c.weight_bytes.assign(4, 1.0);
  c.optimizer_s = 0.5e-3;
  const std::vector<StageSpan> stages = {{0, 4, 2e-3, 0}};
  const auto prog = build_step_program(s, c, {}, stages, {s.dp, s.tp});
  const auto r = ic::run_analytical(prog.program, topo);
  const double ar = 2 * (1e-6 + 12.5 * 1024 * 1024 / 100e9);
  EXPECT_NEAR(r.makespan_s, 2e-3 + 4e-3 + ar + 0.5e-3, 1e-12);
  EXPECT_NEAR(r.devices[0].comm_exposed_s, ar, 1e-12);
  EXPECT_NEAR(r.devices[0].comm_overlapped_s, 3 * ar, 1e-12);
}

}  // namespace
}  // namespace orrery::sim::parallel
