// The vision zoo models (CNNs, 3-D CNN, ViT) against torchvision parameter counts and MACs.
// Golden numbers: torchvision's published model cards (params; "GFLOPS" there are GMACs) and the
// widely reproduced per-model MAC totals (ptflops/fvcore on torchvision definitions, batch 1,
// conv+linear only):
//   resnet18 11,689,512 params, 1,814,073,344 MACs; resnet50 25,557,032 / 4,089,184,256;
//   vgg16 138,357,544 / 15,470,264,320; mobilenet_v2 3,504,872 / 300,774,272;
//   efficientnet_b0 5,288,548 / 0.39 G; r3d_18 33,371,472 / 40.70 G; vit_b_16 86,567,656 / 17.56 G.
// Per-layer checks compare against tests/data/zoo_reference.json (PyTorch forward hooks, see
// tests/data/zoo_reference.py) when that file exists.
#include <gtest/gtest.h>

#include <map>

#include "common/error.hpp"
#include "tests/workloads/zoo_reference.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;
using orrery::test::build;
using orrery::test::find_op;

namespace {

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

// In train() mode every nn.BatchNorm2d bumps num_batches_tracked before normalizing: resnet18 has
// 20 of them (the stem's, 4 x 2 per basic block x 2 blocks, 3 downsample BNs: 1 + 16 + 3), each
// a one-element add; inference has none. Params and MACs are unchanged.
TEST(ZooResnet, TrainingBatchNormsCountTheirBatches) {
  auto count = [](const Graph& g) {
    int64_t n = 0;
    for (const auto& op : g.ops()) n += op.name.ends_with(".num_batches_tracked");
    return n;
  };
  zoo::BuildContext train;
  train.training = true;
  const Graph g = zoo::build_model("resnet18", train);
  EXPECT_EQ(count(g), 20);
  EXPECT_EQ(count(build("resnet18")), 0);
  EXPECT_EQ(g.macs(), 1'814'073'344LL);
  EXPECT_EQ(g.params(), 11'689'512);
}

// torchvision's in-place ReLU6 and SiLU clone their input in training (their derivatives read
// it): MobileNetV2 has 35 ReLU6 (the stem's, 2 in each of 16 expanding blocks, 1 in the first
// block, the last conv's: 1 + 32 + 1 + 1), EfficientNet-B0 49 SiLU (the stem's, 15 expansions,
// 16 depthwise, 16 squeeze-excitations, the head's), as Memcpy DtoD counts in
// validation/data/training_h100_kernels.csv; ResNet's in-place ReLU clones nothing.
TEST(ZooCnn, TrainingInplaceActivationsCloneTheirInput) {
  auto clones = [](const std::string& model, bool training) {
    zoo::BuildContext ctx;
    ctx.training = training;
    const Graph g = zoo::build_model(model, ctx);
    int64_t n = 0;
    for (const auto& op : g.ops()) n += op.name.ends_with(".inplace_clone");
    return n;
  };
  EXPECT_EQ(clones("mobilenet_v2", true), 35);
  EXPECT_EQ(clones("efficientnet_b0", true), 49);
  EXPECT_EQ(clones("resnet18", true), 0);
  EXPECT_EQ(clones("mobilenet_v2", false), 0);
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

TEST(ZooCnn, Vgg16MatchesTorchvision) {
  const Graph g = build("vgg16");
  EXPECT_EQ(g.params(), 138'357'544);
  EXPECT_EQ(g.macs(), 15'470'264'320);
  // classifier.0 by hand: 512*7*7 = 25,088 inputs x 4,096 outputs.
  EXPECT_EQ(find_op(g, "classifier.0")->macs(), 25'088LL * 4'096);
}

TEST(ZooCnn, MobilenetV2MatchesTorchvision) {
  const Graph g = build("mobilenet_v2");
  EXPECT_EQ(g.params(), 3'504'872);
  EXPECT_EQ(g.macs(), 300'774'272);
  // features.2.conv.1.0: depthwise 3x3 stride 2 on 96 channels, 112 -> 56: 56*56*96*9.
  EXPECT_EQ(find_op(g, "features.2.conv.1.0")->macs(), 56LL * 56 * 96 * 9);
}

TEST(ZooCnn, EfficientnetB0MatchesTorchvision) {
  const Graph g = build("efficientnet_b0");
  EXPECT_EQ(g.params(), 5'288'548);
  // torchvision publishes 0.39 GFLOPS (= GMACs) for efficientnet_b0; our exact count of
  // conv + linear MACs (SE 1x1 convs included) is 385,814,752. The exact figure is checked
  // against PyTorch forward hooks in ZooReference.TotalsMatch when zoo_reference.json exists.
  EXPECT_EQ(g.macs(), 385'814'752);
  EXPECT_NEAR(static_cast<double>(g.macs()), 0.39e9, 0.005e9);
  // features.1.0.block.1.fc1 (SE squeeze 32 -> 8 on a 1x1 map): 32*8 MACs, 32*8+8 params.
  EXPECT_EQ(find_op(g, "features.1.0.block.1.fc1")->macs(), 256);
  EXPECT_EQ(find_op(g, "features.1.0.block.1.fc1")->params_count(), 264);
}

TEST(ZooCnn, R3d18MatchesTorchvision) {
  const Graph g = build("r3d_18");
  EXPECT_EQ(g.params(), 33'371'472);
  // torchvision's model card: 40.70 GFLOPS (GMACs) on a 16x112x112 clip.
  EXPECT_EQ(g.macs(), 40'696'553'472);
  // stem.0 by hand: 16x56x56 outputs x 64 x 3*3*7*7 = 1,416,167,424.
  EXPECT_EQ(find_op(g, "stem.0")->macs(), 16LL * 56 * 56 * 64 * 3 * 3 * 7 * 7);
}

TEST(ZooCnn, VitB16MatchesTorchvision) {
  const Graph g = build("vit_b_16");
  EXPECT_EQ(g.params(), 86'567'656);
  // By hand (torchvision's card says 17.56 GFLOPS): conv_proj 196*768*768 = 115,605,504;
  // per layer 197 tokens x (768*2304 + 768*768 + 2*768*3072) = 1,394,343,936, x12;
  // attention 12 layers x 2 x 12 heads x 197^2 x 64 = 715,327,488; head 768,000.
  EXPECT_EQ(g.macs(), 115'605'504LL + 12 * 1'394'343'936LL + 715'327'488LL + 768'000);
  int64_t attention = 0;
  for (const auto& op : g.ops())
    if (op.kind() == OpKind::attention) attention += op.macs();
  EXPECT_EQ(attention, 715'327'488);
}

TEST(ZooReference, TotalsMatch) {
  // Every model of tests/data/zoo_reference.json (PyTorch forward hooks) against the zoo.
  auto ref = orrery::test::zoo_reference();
  if (!ref) GTEST_SKIP() << "missing " << orrery::test::zoo_reference_path();
  const std::map<std::string, std::string> specs{{"resnet18", "resnet18"},
                                                 {"resnet50", "resnet50"},
                                                 {"vgg16", "vgg16"},
                                                 {"mobilenet_v2", "mobilenet_v2"},
                                                 {"efficientnet_b0", "efficientnet_b0"},
                                                 {"vit_b_16", "vit_b_16"},
                                                 {"r3d_18", "r3d_18"},
                                                 {"bert_base", "bert_base"},
                                                 {"gpt2_seq128", "gpt2:seq=128,lm_head=0"},
                                                 {"gpt2_seq1024", "gpt2:seq=1024,lm_head=0"},
                                                 {"llama2_7b", "llama2_7b"}};
  for (const auto& [key, spec] : specs) {
    if (!(*ref)["models"].contains(key)) continue;
    const auto& m = (*ref)["models"][key];
    const Graph g = build(spec);
    EXPECT_EQ(g.params(), m["params"].get<int64_t>()) << key;
    EXPECT_EQ(g.macs(), m["macs"]["total"].get<int64_t>()) << key;
  }
}
