// Op MACs, bytes, shapes and loop nests against hand calculations.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "workloads/graph.hpp"

using namespace orrery::workloads;

TEST(Op, GemmCountsByHand) {
  GemmParams p;
  p.m = 3;
  p.n = 5;
  p.k = 7;
  p.b_is_weight = true;
  p.bias = true;
  Op op = make_op("fc", p, DType::fp16);
  EXPECT_EQ(op.macs(), 105);
  EXPECT_EQ(op.params_count(), 7 * 5 + 5);
  // A 3x7 + W 7x5 + bias 5 + C 3x5 = 21 + 35 + 5 + 15 elements x 2 B.
  EXPECT_EQ(op.bytes(), 76 * 2);
  EXPECT_EQ(op.loop_nest().iterations(), 105);
  EXPECT_EQ(op.loop_nest().tensors[1].tensor, "fc.w0");
}

TEST(Op, ConvOutputAndMacsByHand) {
  // ResNet-50 conv1: 224x224x3, 64 filters 7x7, stride 2, pad 3 -> 112x112; 118,013,952 MACs
  // (= 112*112*64*3*49, the figure torchvision's profilers report for this layer).
  ConvParams p;
  p.c_in = 3;
  p.c_out = 64;
  p.in = {1, 224, 224};
  p.kernel = {1, 7, 7};
  p.stride = {1, 2, 2};
  p.pad_begin = p.pad_end = {0, 3, 3};
  Op op = make_op("conv1", p, DType::fp16);
  EXPECT_EQ(p.out()[1], 112);
  EXPECT_EQ(op.macs(), 118013952);
  EXPECT_EQ(op.params_count(), 64 * 3 * 49);
  EXPECT_EQ(op.loop_nest().iterations(), op.macs());
}

TEST(Op, DepthwiseAndDilatedConv) {
  ConvParams p;  // MobileNetV2 depthwise 3x3 on 112x112x32, stride 1, pad 1
  p.c_in = p.c_out = p.groups = 32;
  p.in = {1, 112, 112};
  p.kernel = {1, 3, 3};
  p.pad_begin = p.pad_end = {0, 1, 1};
  EXPECT_EQ(make_op("dw", p, DType::fp16).macs(), 112 * 112 * 32 * 9);
  p.dilation = {1, 2, 2};  // effective kernel 5: 112 + 2 - 5 + 1 = 110
  EXPECT_EQ(p.out()[1], 110);
}

TEST(Op, TransposedConvCountsInputSide) {
  ConvParams p;  // 2x upsampling transposed conv, 4x4 kernel, stride 2, pad 1: 8 -> 16
  p.c_in = 16;
  p.c_out = 8;
  p.in = {1, 8, 8};
  p.kernel = {1, 4, 4};
  p.stride = {1, 2, 2};
  p.pad_begin = p.pad_end = {0, 1, 1};
  p.transposed = true;
  EXPECT_EQ(p.out()[1], 16);
  EXPECT_EQ(make_op("up", p, DType::fp16).macs(), 8 * 8 * 16 * 8 * 16);
}

TEST(Op, AttentionCountsBothMatmuls) {
  AttentionParams p{1, 12, 12, 128, 128, 64, false};
  EXPECT_EQ(make_op("attn", p, DType::fp16).macs(), 2LL * 12 * 128 * 128 * 64);
}

TEST(Op, ViewsMoveNoBytes) {
  DataMovementParams p{DataMovementParams::Kind::reshape, {100}, 100};
  EXPECT_EQ(make_op("r", p, DType::fp16).bytes(), 0);
}

TEST(Op, Int4PacksTwoPerByte) { EXPECT_EQ(storage_bytes(3, DType::int4), 2); }

TEST(Op, BadDimsAndOverflowAreWorkloadErrors) {
  GemmParams p;
  p.m = 0;
  EXPECT_THROW(make_op("g", p, DType::fp16), orrery::WorkloadError);
  p.m = p.n = p.k = 1LL << 40;
  EXPECT_THROW(make_op("g", p, DType::fp16), orrery::WorkloadError);
  ConvParams c;
  c.c_in = 6;
  c.c_out = 4;
  c.groups = 4;
  EXPECT_THROW(make_op("c", c, DType::fp16), orrery::WorkloadError);
}

TEST(Graph, EdgesAndTotals) {
  Graph g("two");
  GemmParams a;
  a.m = 2;
  a.n = 3;
  a.k = 4;
  a.b_is_weight = true;
  const size_t first = g.add(make_op("a", a, DType::fp16));
  ElementwiseParams relu{"relu", 6, 0};
  g.add(make_op("relu", relu, DType::fp16), {first});
  EXPECT_EQ(g.ops()[1].inputs[0].name, "a.out0");
  ASSERT_EQ(g.edges().size(), 1u);
  EXPECT_EQ(g.macs(), 24);
  EXPECT_EQ(g.params(), 12);
}
