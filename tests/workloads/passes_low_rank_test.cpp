// --low-rank: linear and conv layers split into two thinner ones; counts by hand.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tests/workloads/passes_test_graph.hpp"
#include "tests/workloads/zoo_reference.hpp"
#include "workloads/passes/low_rank.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;
using orrery::test::find_op;

TEST(PassLowRank, TinyCnnByHand) {
  const Graph g = passes::low_rank(orrery::test::tiny_cnn(), passes::parse_low_rank("rank=4"));
  // a (3->8, 3x3; fan-in 27): rank 4 < min(8, 27): 3x3 conv 3->4 (108 weights) + 1x1 4->8
  // (32 weights + 8 bias). b (8->4, 1x1): 4 is not < min(4, 8): unchanged. c (256->10): 256*4 +
  // 4*10 + 10 bias.
  EXPECT_EQ(g.params(), 108 + 32 + 8 + 16 + 32 + 1024 + 40 + 10);
  // MACs: a 64*4*27 + 64*8*4 = 8960; b 2048; c 1024 + 40.
  EXPECT_EQ(g.macs(), 8960 + 2048 + 1064);
  EXPECT_EQ(g.size(), 8u);
  ASSERT_NE(find_op(g, "a.low_rank.0"), nullptr);
  EXPECT_EQ(find_op(g, "a_bn")->inputs[0].name, "a.low_rank.1.out0");  // consumers rewired
  EXPECT_EQ(find_op(g, "a.low_rank.1")->inputs[0].name, "a.low_rank.0.out0");
  EXPECT_EQ(find_op(g, "c.low_rank.1")->get<GemmParams>()->bias, true);
  EXPECT_EQ(find_op(g, "c.low_rank.0")->get<GemmParams>()->bias, false);
  for (auto [p, c] : g.edges()) EXPECT_LT(p, c);
}

TEST(PassLowRank, StridedConvKeepsItsStrideInTheFirstFactor) {
  const Graph g = passes::low_rank(zoo::build_model("resnet18", {1, DType::fp16}), 16);
  // conv1 7x7 stride 2, 3->64: 7x7 conv 3->16 on 224 -> 112, then 1x1 16->64 at 112.
  EXPECT_EQ(find_op(g, "conv1.low_rank.0")->macs(), 112LL * 112 * 16 * 147);
  EXPECT_EQ(find_op(g, "conv1.low_rank.1")->macs(), 112LL * 112 * 64 * 16);
  EXPECT_EQ(find_op(g, "bn1")->inputs[0].shape, (std::vector<int64_t>{64, 112 * 112}));  // norm: rows x cols
}

TEST(PassLowRank, BertLinearsByHand) {
  const Graph g = passes::low_rank(zoo::build_model("bert_base:layers=1,pooler=0", {1, DType::fp16}), 64);
  // Four 768x768 linears -> 768*64*2 + 768 each; the FFN 768->3072 and back -> 64*(768+3072) +
  // bias. Embeddings and LayerNorms unchanged (23,837,184 + 2 LayerNorms 3,072).
  const int64_t attn = 4 * (768 * 64 * 2 + 768);
  const int64_t ffn = 64 * (768 + 3072) + 3072 + 64 * (3072 + 768) + 768;
  EXPECT_EQ(g.params(), 23'837'184 + 3'072 + attn + ffn);
}

TEST(PassLowRank, BadRankIsAnError) {
  EXPECT_THROW(passes::parse_low_rank("rank=0"), orrery::WorkloadError);
  EXPECT_THROW(passes::parse_low_rank("r=4"), orrery::WorkloadError);
  EXPECT_THROW(passes::parse_low_rank("rank=four"), orrery::WorkloadError);
}
