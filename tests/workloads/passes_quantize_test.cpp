// --quantize: dtypes and bytes of the compute ops by hand; counts unchanged.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tests/workloads/passes_test_graph.hpp"
#include "tests/workloads/zoo_reference.hpp"
#include "workloads/passes/quantize.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;
using orrery::test::find_op;

TEST(PassQuantize, Int8ShrinksComputeOpBytesOnly) {
  Graph g = orrery::test::tiny_cnn();
  passes::quantize(g, passes::parse_quantize("int8"));
  EXPECT_EQ(g.params(), 2842);
  EXPECT_EQ(g.macs(), 18432);
  const Op* a = find_op(g, "a");
  EXPECT_EQ(a->dtype, DType::int8);
  // conv a: input 3*64 + weight 216 + bias 8 + output 8*64, one byte each.
  EXPECT_EQ(a->bytes(), 192 + 216 + 8 + 512);
  // batchnorm stays fp16: input 512 + gamma/beta 16 + output 512, two bytes each.
  EXPECT_EQ(find_op(g, "a_bn")->dtype, DType::fp16);
  EXPECT_EQ(find_op(g, "a_bn")->bytes(), (512 + 16 + 512) * 2);
}

TEST(PassQuantize, Int4PacksTwoPerByteAndFp8IsE4m3) {
  Graph g = orrery::test::tiny_cnn();
  passes::quantize(g, passes::parse_quantize("int4"));
  // linear c: input 256 + weight 2560 + bias 10 + output 10 = 2836 nibbles = 1418 bytes.
  EXPECT_EQ(find_op(g, "c")->bytes(), 128 + 1280 + 5 + 5);
  Graph h = orrery::test::tiny_cnn();
  passes::quantize(h, passes::parse_quantize("fp8"));
  EXPECT_EQ(find_op(h, "c")->dtype, DType::fp8_e4m3);
  EXPECT_EQ(find_op(h, "c")->bytes(), 256 + 2560 + 10 + 10);
}

TEST(PassQuantize, SpmmKeepsIndexArraysAndAttentionIsQuantized) {
  Graph g = zoo::build_model("gcn", {1, DType::fp16});
  passes::quantize(g, DType::int8);
  const Op* agg = find_op(g, "conv1.propagate");
  EXPECT_EQ(agg->inputs[0].dtype, DType::fp32);  // CSR arrays
  EXPECT_EQ(agg->inputs[1].dtype, DType::int8);
  Graph bert = zoo::build_model("bert_base:layers=1", {1, DType::fp16});
  passes::quantize(bert, DType::int8);
  const Op* attn = find_op(bert, "encoder.layer.0.attention.self.attn");
  // Q, K, V and O: 12 heads x 128 x 64 each, one byte.
  EXPECT_EQ(attn->bytes(), 4 * 12 * 128 * 64);
}

TEST(PassQuantize, BadFormatIsAnError) {
  EXPECT_THROW(passes::parse_quantize("int3"), orrery::WorkloadError);
  EXPECT_THROW(passes::parse_quantize("fp16"), orrery::WorkloadError);
}
