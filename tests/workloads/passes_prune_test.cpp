// --prune: unstructured density and structured channel pruning, counts by hand.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tests/workloads/passes_test_graph.hpp"
#include "tests/workloads/zoo_reference.hpp"
#include "workloads/passes/prune.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;
using orrery::test::find_op;

TEST(PassPrune, UnstructuredSetsDensityOnWeightedComputeOps) {
  Graph g = orrery::test::tiny_cnn();
  passes::prune(g, passes::parse_prune("density=0.25"));
  EXPECT_EQ(g.params(), 2842);  // dense counts unchanged: sparsity is the architecture's to exploit
  EXPECT_EQ(g.macs(), 18432);
  EXPECT_DOUBLE_EQ(find_op(g, "a")->weight_density, 0.25);
  EXPECT_DOUBLE_EQ(find_op(g, "c")->weight_density, 0.25);
  EXPECT_DOUBLE_EQ(find_op(g, "a_bn")->weight_density, 1.0);
}

TEST(PassPrune, ChannelPruningShrinksLayerAndConsumer) {
  Graph g = orrery::test::tiny_cnn();
  passes::prune(g, passes::parse_prune("density=0.5,structured=channel"));
  // a: 8 -> 4 output channels (bn and relu follow), b reads 4 channels. b's own outputs feed a
  // flatten (coupled to c's input features) and c is the graph output: both keep their width.
  // Params: a 3*4*9+4 = 112, bn 8, b 4*4 = 16, c 2570 -> 2706.
  EXPECT_EQ(g.params(), 2706);
  // MACs: a 64*4*27 = 6912, b 64*4*4 = 1024, c 2560 -> 10496.
  EXPECT_EQ(g.macs(), 10496);
  EXPECT_EQ(find_op(g, "a_relu")->get<ElementwiseParams>()->numel, 4 * 64);
  EXPECT_EQ(find_op(g, "b")->inputs[0].name, "a_relu.out0");  // wiring kept
  EXPECT_EQ(find_op(g, "b")->inputs[0].shape, (std::vector<int64_t>{1, 4, 8, 8}));
}

TEST(PassPrune, ChannelPruningVgg16ByHand) {
  Graph g = zoo::build_model("vgg16", {1, DType::fp16});
  passes::prune(g, passes::parse_prune("density=0.5,structured=channel"));
  // Every conv but the last halves (the last feeds the flatten); classifier.0 and .3 halve,
  // classifier.6 (the output) keeps 1000.
  const int64_t out[13] = {32, 32, 64, 64, 128, 128, 128, 256, 256, 256, 256, 256, 512};
  int64_t params = 0, in = 3;
  for (int64_t c : out) {
    params += in * c * 9 + c;
    in = c;
  }
  params += 25088LL * 2048 + 2048 + 2048LL * 2048 + 2048 + 2048LL * 1000 + 1000;
  EXPECT_EQ(g.params(), params);
  EXPECT_EQ(find_op(g, "features.28")->get<ConvParams>()->c_in, 256);
  EXPECT_EQ(find_op(g, "features.28")->get<ConvParams>()->c_out, 512);
}

TEST(PassPrune, ResidualOutputsStayWhole) {
  Graph g = zoo::build_model("resnet18", {1, DType::fp16});
  passes::prune(g, passes::parse_prune("density=0.5,structured=channel"));
  // Inside a basic block conv1 is free (it feeds bn1/relu/conv2); conv2 feeds the residual add.
  EXPECT_EQ(find_op(g, "layer1.0.conv1")->get<ConvParams>()->c_out, 32);
  EXPECT_EQ(find_op(g, "layer1.0.conv2")->get<ConvParams>()->c_in, 32);
  EXPECT_EQ(find_op(g, "layer1.0.conv2")->get<ConvParams>()->c_out, 64);
  EXPECT_EQ(find_op(g, "conv1")->get<ConvParams>()->c_out, 64);  // feeds the first residual
  // Each block's conv1 loses half its outputs and conv2 half its inputs: per block
  // 2 * (w * w/2 * 9) fewer conv weights and w fewer batchnorm params (bn1: 2 * w/2),
  // with w = 64, 128, 256, 512 for two blocks each; layerX.0.conv1 reads the previous width.
  int64_t removed = 0;
  const int64_t widths[4] = {64, 128, 256, 512};
  for (int l = 0; l < 4; ++l) {
    const int64_t w = widths[l], prev = l == 0 ? 64 : widths[l - 1];
    removed += prev * (w / 2) * 9 + w * (w / 2) * 9 + w;  // block 0
    removed += w * (w / 2) * 9 + w * (w / 2) * 9 + w;     // block 1
  }
  EXPECT_EQ(g.params(), 11'689'512 - removed);
}

TEST(PassPrune, BadArgumentsNameTheOption) {
  EXPECT_THROW(passes::parse_prune("density=0"), orrery::WorkloadError);
  EXPECT_THROW(passes::parse_prune("density=1.5"), orrery::WorkloadError);
  EXPECT_THROW(passes::parse_prune("structured=channel"), orrery::WorkloadError);  // density missing
  EXPECT_THROW(passes::parse_prune("density=0.5,structured=row"), orrery::WorkloadError);
  try {
    passes::parse_prune("density=0.5,sparsity=2");
    FAIL();
  } catch (const orrery::WorkloadError& e) {
    EXPECT_NE(std::string(e.what()).find("--prune 'density=0.5,sparsity=2': unknown key 'sparsity'"),
              std::string::npos)
        << e.what();
  }
}
