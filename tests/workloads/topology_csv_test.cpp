#include "workloads/topology_csv.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

using namespace orrery;
using namespace orrery::workloads;

TEST(TopologyCsv, ConvLayoutNoPadding) {
  // SCALE-Sim's resnet50 first row: 230x230 input (pre-padded), 7x7, 3 -> 64, stride 2. The
  // true conv has floor((230 - 7) / 2) + 1 = 112 output rows; SCALE-Sim's ceil((230 - 7 + 2) / 2)
  // = 113 adds a phantom row, which only `timing: scalesim` reproduces (in the mapper).
  auto g = parse_topology_csv(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
      "Conv1, 230, 230, 7, 7, 3, 64, 2,\n"
      ",,,,,,,,\n",
      "r.csv");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g.macs(), 112LL * 112 * 147 * 64);
  EXPECT_EQ(g.ops()[0].dtype, DType::int8);
}

TEST(TopologyCsv, GemmLayout) {
  auto g = parse_topology_csv("Layer, M, N, K,\nQK, 1024, 1024, 1024,\nFF, 4096, 4096, 1024\n", "g.csv");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g.ops()[1].macs(), 4096LL * 4096 * 1024);
}

TEST(TopologyCsv, ErrorsNameFileAndLine) {
  try {
    parse_topology_csv("Layer, M, N, K,\nA, 1, x, 1,\n", "g.csv");
    FAIL();
  } catch (const WorkloadError& e) {
    EXPECT_STREQ(e.what(), "g.csv:2: column 'N' expected a positive integer, got 'x'");
  }
  EXPECT_THROW(parse_topology_csv("foo,bar\n1,2\n", "x.csv"), WorkloadError);
  EXPECT_THROW(read_topology_csv("/nonexistent.csv"), WorkloadError);
}
