// The SystemC cycle model against the analytical models. Each test is its own process (ctest);
// every cycle run goes to a forked child (run_cycle.hpp), so a test may run several.
//  - timing: scalesim: equal, layer by layer (no memory effects in either).
//  - timing: exact with unbounded bandwidth (1e9 B/cycle, latency 0): equal, layer by layer.
//  - scarce bandwidth: both show stalls; the SystemC stalls emerge from the DRAM channel's queue
//    and the read/write engines' interleaving, the analytical ones from a per-fold recurrence;
//    they agree within 1 % of the layer's cycles (+ 2 cycles).
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/arch/systolic/systolic_test_support.hpp"
#include "workloads/topology_csv.hpp"

namespace {

using orrery::arch::Fidelity;
using orrery::test::run_systolic;
using orrery::test::systolic_config;
using orrery::test::systolic_yaml;

orrery::workloads::Graph mix() {
  orrery::workloads::Graph g("mix");
  for (const char* spec : {"conv2d:N=1,C=16,H=20,W=20,K=24,R=3,S=3,stride=2,pad=1",
                           "conv2d:N=1,C=24,H=10,W=10,K=24,R=3,S=3,pad=1,groups=3", "gemm:M=100,N=36,K=70",
                           "elementwise:op=relu,numel=2000", "attention:B=1,H=2,S=24,D=16",
                           "gemm:B=2,M=9,N=17,K=33", "softmax:rows=8,cols=40"}) {
    auto one = orrery::workloads::parse_op_spec(spec);
    g.add(one.ops()[0]);
  }
  return g;
}

void expect_same_layers(const orrery::arch::RunResult& a, const orrery::arch::RunResult& c) {
  ASSERT_EQ(a.layers.size(), c.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const auto &x = a.layers[i].stats, &y = c.layers[i].stats;
    EXPECT_EQ(x.cycles, y.cycles) << a.layers[i].name;
    EXPECT_EQ(x.compute_cycles, y.compute_cycles) << a.layers[i].name;
    EXPECT_EQ(x.stall_cycles, y.stall_cycles) << a.layers[i].name;
    EXPECT_EQ(x.dram_read_bytes, y.dram_read_bytes) << a.layers[i].name;
    EXPECT_EQ(x.dram_write_bytes, y.dram_write_bytes) << a.layers[i].name;
    EXPECT_EQ(x.sram_read_bytes, y.sram_read_bytes) << a.layers[i].name;
    EXPECT_DOUBLE_EQ(x.energy_j, y.energy_j) << a.layers[i].name;
  }
  EXPECT_EQ(a.total.cycles, c.total.cycles);
}

TEST(SystolicCycle, ScaleSimEqualsAnalytical) {
  for (const char* df : {"ws", "os", "is"}) {
    const auto cfg = systolic_config(systolic_yaml(8, 8, df, "scalesim", 4, 30));
    expect_same_layers(run_systolic(cfg, mix()), run_systolic(cfg, mix(), Fidelity::cycle));
  }
}

TEST(SystolicCycle, PublishedGemmThroughSystemC) {
  // SCALE-Sim v2 CALC mode, 1024^3 on 128x128, os: 81,791 cycles (reference/systolic.md).
  const auto cfg = systolic_config(systolic_yaml(128, 128, "os", "scalesim", 48.6, 100, 8192));
  const auto c =
      run_systolic(cfg, orrery::workloads::parse_op_spec("gemm:M=1024,N=1024,K=1024"), Fidelity::cycle);
  EXPECT_EQ(c.total.cycles, 81791);
}

TEST(SystolicCycle, ExactUnboundedEqualsAnalytical) {
  for (const char* df : {"ws", "os", "is"}) {
    const auto cfg = systolic_config(systolic_yaml(8, 8, df, "exact", 1e9, 0, 4));
    expect_same_layers(run_systolic(cfg, mix()), run_systolic(cfg, mix(), Fidelity::cycle));
  }
}

TEST(SystolicCycle, ExactSingleBufferedUnboundedEqualsAnalytical) {
  const auto cfg =
      systolic_config(systolic_yaml(8, 8, "ws", "exact", 1e9, 0, 4), {"sram.double_buffered=false"});
  expect_same_layers(run_systolic(cfg, mix()), run_systolic(cfg, mix(), Fidelity::cycle));
}

orrery::arch::RunResult run_searched(const orrery::config::Resolved& cfg, Fidelity fidelity) {
  orrery::arch::RunOptions o;
  o.mapper = "search";
  o.objective = "energy";
  o.fidelity = fidelity;
  return orrery::arch::find_family("systolic")->simulate(cfg, mix(), o);
}

// The search mapper's mappings (other dataflows and fold orders than the config's) time the same
// through SystemC: the controller walks the folds in the mapping's order (fold_work.hpp).
TEST(SystolicCycle, SearchedMappingsExactUnboundedEqualAnalytical) {
  const auto cfg = systolic_config(systolic_yaml(8, 8, "ws", "exact", 1e9, 0, 4));
  const auto a = run_searched(cfg, Fidelity::analytical);
  int cols_inner = 0, rows_inner = 0;
  for (const auto& l : a.layers)
    if (l.mapping.contains("gemms"))
      for (const auto& g : l.mapping["gemms"]) (g["fold_order"] == "cols_inner" ? cols_inner : rows_inner)++;
  EXPECT_GT(cols_inner, 0);  // both orders are exercised
  EXPECT_GT(rows_inner, 0);
  expect_same_layers(a, run_searched(cfg, Fidelity::cycle));
}

void expect_close_stalls(const orrery::arch::RunResult& a, const orrery::arch::RunResult& c) {
  ASSERT_EQ(a.layers.size(), c.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const auto &x = a.layers[i].stats, &y = c.layers[i].stats;
    EXPECT_EQ(x.compute_cycles, y.compute_cycles) << a.layers[i].name;
    EXPECT_EQ(x.dram_read_bytes + x.dram_write_bytes, y.dram_read_bytes + y.dram_write_bytes)
        << a.layers[i].name;
    EXPECT_LE(std::llabs(x.cycles - y.cycles), x.cycles / 100 + 2) << a.layers[i].name;
  }
}

TEST(SystolicCycle, ScarceBandwidthStalls) {
  for (const char* df : {"ws", "os", "is"}) {
    // 2 B/cycle, 40-cycle latency, 4 KiB buffers: DRAM cannot keep up.
    const auto cfg = systolic_config(systolic_yaml(8, 8, df, "exact", 2, 40, 4));
    const auto a = run_systolic(cfg, mix()), c = run_systolic(cfg, mix(), Fidelity::cycle);
    EXPECT_GT(c.total.stall_cycles, c.total.compute_cycles) << df;
    EXPECT_GT(a.total.stall_cycles, a.total.compute_cycles) << df;
    expect_close_stalls(a, c);
  }
}

TEST(SystolicCycle, SearchedMappingsScarceBandwidthStallsClose) {
  const auto cfg = systolic_config(systolic_yaml(8, 8, "ws", "exact", 2, 40, 4));
  expect_close_stalls(run_searched(cfg, Fidelity::analytical), run_searched(cfg, Fidelity::cycle));
}

TEST(SystolicCycle, ResNet50TopologyWholeGraph) {
  // One elaboration covers all 54 layers; under SCALE-Sim timing, equal to the analytical model.
  const auto graph = orrery::workloads::read_topology_csv(std::string(ORRERY_SOURCE_DIR) +
                                                          "/tests/data/scalesim_resnet50.csv");
  const auto cfg =
      orrery::test::systolic_config(orrery::test::systolic_yaml(256, 256, "ws", "scalesim", 48.6, 100, 6144));
  expect_same_layers(run_systolic(cfg, graph), run_systolic(cfg, graph, Fidelity::cycle));
  // Unbounded bandwidth in exact mode: equal.
  const auto fast =
      orrery::test::systolic_config(orrery::test::systolic_yaml(256, 256, "ws", "exact", 1e9, 0, 6144));
  expect_same_layers(run_systolic(fast, graph), run_systolic(fast, graph, Fidelity::cycle));
  // TPU-v1-like bandwidth in exact mode: close.
  const auto ex =
      orrery::test::systolic_config(orrery::test::systolic_yaml(256, 256, "ws", "exact", 48.6, 100, 6144));
  expect_close_stalls(run_systolic(ex, graph), run_systolic(ex, graph, Fidelity::cycle));
}

}  // namespace
