// All three compression passes on every zoo model: invariants that hold for any graph.
#include <gtest/gtest.h>

#include "workloads/passes/low_rank.hpp"
#include "workloads/passes/prune.hpp"
#include "workloads/passes/quantize.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;

TEST(PassesOnEveryZooModel, CountsOnlyShrinkAndWiringHolds) {
  // All three passes on every zoo model (small options where the default is large): no pass may
  // add MACs or parameters at these settings, and every edge still joins an earlier op's output
  // to an input of a later op.
  for (const auto& m : zoo::models()) {
    const std::string spec = m.name == "llama2_7b" ? "llama2_7b:layers=2" : m.name;
    const Graph base = zoo::build_model(spec, {1, DType::fp16});
    Graph g = base;
    passes::prune(g, passes::parse_prune("density=0.5,structured=channel"));
    g = passes::low_rank(g, 8);
    passes::quantize(g, DType::int4);
    EXPECT_LE(g.macs(), base.macs()) << m.name;
    EXPECT_LE(g.params(), base.params()) << m.name;
    EXPECT_LT(g.params(), base.params()) << m.name;
    for (auto [p, c] : g.edges()) {
      ASSERT_LT(p, c) << m.name;
      const auto& out = g.ops()[p].outputs[0].name;
      bool found = false;
      for (const auto& in : g.ops()[c].inputs) found = found || in.name == out;
      EXPECT_TRUE(found) << m.name << ": " << g.ops()[c].name << " does not read " << out;
    }
  }
}
