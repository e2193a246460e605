// The CNN zoo models against torchvision's parameter counts and MACs.
// Golden numbers: torchvision's published model cards (params; "GFLOPS" there are GMACs) and the
// widely reproduced per-model MAC totals (ptflops/fvcore on torchvision definitions, batch 1,
// conv+linear only):
//   resnet18 11,689,512 params, 1,814,073,344 MACs; resnet50 25,557,032 / 4,089,184,256.
// Per-layer checks compare against tests/data/zoo_reference.json (PyTorch forward hooks, see
// tests/data/zoo_reference.py) when that file exists.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tests/workloads/zoo_reference.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;
using orrery::test::find_op;

namespace {

Graph build(const std::string& spec, int64_t batch = 1) { return zoo::build_model(spec, {batch, DType::fp16}); }

void expect_layers_match_reference(const std::string& model) {
  auto ref = orrery::test::zoo_reference();
  if (!ref) GTEST_SKIP() << "missing " << orrery::test::zoo_reference_path();
  const auto& m = (*ref)["models"][model];
  const Graph g = build(model);
  EXPECT_EQ(g.params(), m["params"].get<int64_t>());
  EXPECT_EQ(g.macs(), m["macs"]["total"].get<int64_t>());
  ASSERT_TRUE(m.contains("layers"));
  int64_t compared = 0;
  for (const auto& layer : m["layers"]) {
    const std::string name = layer["name"];
    const Op* op = find_op(g, name);
    ASSERT_NE(op, nullptr) << "no layer " << name;
    EXPECT_EQ(op->macs(), layer["macs"].get<int64_t>()) << name;
    EXPECT_EQ(op->params_count(), layer["params"].get<int64_t>()) << name;
    ++compared;
  }
  // Every conv/linear of the graph is in the reference list.
  int64_t ours = 0;
  for (const auto& op : g.ops()) ours += op.macs() > 0;
  EXPECT_EQ(ours, compared);
}

}  // namespace

TEST(ZooResnet, Resnet18MatchesTorchvision) {
  const Graph g = build("resnet18");
  EXPECT_EQ(g.params(), 11'689'512);
  EXPECT_EQ(g.macs(), 1'814'073'344);
  // conv1 by hand: 112*112 outputs x 64 x 3*7*7 = 118,013,952; fc 512*1000 = 512,000.
  EXPECT_EQ(find_op(g, "conv1")->macs(), 118'013'952);
  EXPECT_EQ(find_op(g, "fc")->macs(), 512'000);
  EXPECT_EQ(find_op(g, "fc")->params_count(), 513'000);
  EXPECT_NE(find_op(g, "layer2.0.downsample.0"), nullptr);
  EXPECT_EQ(find_op(g, "layer1.0.downsample.0"), nullptr);
}

TEST(ZooResnet, Resnet50MatchesTorchvision) {
  const Graph g = build("resnet50");
  EXPECT_EQ(g.params(), 25'557'032);
  EXPECT_EQ(g.macs(), 4'089'184'256);
  // v1.5: layer2.0's stride is on conv2 (3x3), 56->28: 28*28*128*128*9 = 115,605,504.
  EXPECT_EQ(find_op(g, "layer2.0.conv2")->macs(), 115'605'504);
  // 53 convs + fc; 53 batchnorms.
  int convs = 0, bns = 0;
  for (const auto& op : g.ops()) {
    convs += op.kind() == OpKind::conv;
    bns += op.kind() == OpKind::norm;
  }
  EXPECT_EQ(convs, 53);
  EXPECT_EQ(bns, 53);
}

TEST(ZooResnet, EdgesFollowTheResidualStructure) {
  const Graph g = build("resnet18");
  // Every op but the first consumes an earlier op; each residual add has two producers.
  std::vector<int> in_degree(g.size(), 0);
  for (auto [p, c] : g.edges()) {
    EXPECT_LT(p, c);
    ++in_degree[c];
  }
  for (size_t i = 1; i < g.size(); ++i) EXPECT_GE(in_degree[i], 1) << g.ops()[i].name;
  for (size_t i = 0; i < g.size(); ++i)
    if (g.ops()[i].name.ends_with(".add")) {
      EXPECT_EQ(in_degree[i], 2);
    }
}

TEST(ZooResnet, BatchAndResolutionScaleByHand) {
  // Batch 4: MACs x4, params unchanged.
  EXPECT_EQ(build("resnet18", 4).macs(), 4 * 1'814'073'344LL);
  EXPECT_EQ(build("resnet18", 4).params(), 11'689'512);
  // res=448: every conv output has 4x the pixels (maps 224, 112, 56, 28, 14 stay exact
  // doublings of the 224 case): conv MACs x 4, fc unchanged at 512,000.
  EXPECT_EQ(build("resnet18:res=448").macs(), (1'814'073'344LL - 512'000) * 4 + 512'000);
  // classes=10: fc 512*10 weights + 10 biases instead of 513,000.
  EXPECT_EQ(build("resnet18:classes=10").params(), 11'689'512 - 513'000 + 5'130);
}

TEST(ZooResnet, LayersMatchReference18) { expect_layers_match_reference("resnet18"); }
TEST(ZooResnet, LayersMatchReference50) { expect_layers_match_reference("resnet50"); }

TEST(ZooErrors, UnknownModelAndOptionsNameTheCulprit) {
  try {
    build("resnet19");
    FAIL();
  } catch (const orrery::WorkloadError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown model 'resnet19'"), std::string::npos) << e.what();
  }
  try {
    build("resnet18:depth=3");
    FAIL();
  } catch (const orrery::WorkloadError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key 'depth'"), std::string::npos) << e.what();
  }
  try {
    build("resnet50:res=8");
    FAIL();
  } catch (const orrery::WorkloadError& e) {
    EXPECT_NE(std::string(e.what()).find("res must be in"), std::string::npos) << e.what();
  }
}
