// The systolic `fixed` mapper: op lowering to GEMMs (worked out by hand), residency, errors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "arch/registry.hpp"
#include "arch/systolic/spec.hpp"
#include "common/error.hpp"
#include "mappers/systolic/fixed_mapper.hpp"
#include "workloads/op_spec.hpp"

namespace {

using namespace orrery;
using mappers::systolic::SystolicMapping;

arch::systolic::SystolicSpec spec(const std::string& dataflow, const std::string& timing = "exact",
                                  int sram_kb = 1024) {
  const std::string yaml = fmt::format(R"(name: t
family: systolic
array: {{rows: 8, cols: 8}}
dataflow: {0}
timing: {1}
sram: {{ifmap_kb: {2}, filter_kb: {2}, ofmap_kb: {2}}}
dram: {{bandwidth_bytes_per_cycle: 16}}
clock: {{frequency_mhz: 1000}}
data: {{input_bytes: 1, output_bytes: 1, accumulator_bytes: 4}}
energy: {{mac_pj: 1, sram_pj_per_byte: 1, dram_pj_per_byte: 1}}
)",
                                       dataflow, timing, sram_kb);
  return arch::systolic::make_spec(arch::load_arch_text(yaml, "t.yaml"));
}

SystolicMapping map(const std::string& op_spec, const arch::systolic::SystolicSpec& s) {
  const auto g = workloads::parse_op_spec(op_spec);
  auto r = mappers::systolic::map_fixed(g.ops()[0], s, {});
  return std::get<SystolicMapping>(r);
}

// conv2d N=2, C=16, 30x30, K=32, 3x3, stride 2, pad 1: true output floor((30 + 2 - 3)/2) + 1 = 15,
// so M = 2 x 15 x 15 = 450, N = 32, K = 16 x 9 = 144. SCALE-Sim's view pre-pads to 32 and takes
// ceil((32 - 3 + 2)/2) = 16: M = 2 x 256 = 512. ws on 8x8: folds ceil(144/8) x ceil(32/8) = 18 x 4.
TEST(SystolicMapper, ConvPaddingStride) {
  const std::string op = "conv2d:N=2,C=16,H=30,W=30,K=32,R=3,S=3,stride=2,pad=1,dtype=int8";
  const auto e = map(op, spec("ws"));
  ASSERT_EQ(e.gemms.size(), 1u);
  EXPECT_EQ(e.gemms[0].dims.m, 450);
  EXPECT_EQ(e.gemms[0].dims.n, 32);
  EXPECT_EQ(e.gemms[0].dims.k, 144);
  EXPECT_EQ(e.gemms[0].grid.row_folds, 18);
  EXPECT_EQ(e.gemms[0].grid.col_folds, 4);
  EXPECT_EQ(e.gemms[0].ifmap_bytes, 2 * 16 * 30 * 30);  // raw, unpadded
  const auto s = map(op, spec("ws", "scalesim"));
  EXPECT_EQ(s.gemms[0].dims.m, 512);
  EXPECT_EQ(s.gemms[0].ifmap_bytes, 2 * 16 * 32 * 32);  // pre-padded
}

// Grouped conv: C = 32, K = 64, groups = 4 -> 4 GEMMs of N = 16 filters, K = 8 x 3 x 3 = 72;
// 12x12 input, pad 1 -> 12x12 out, M = 144. Depthwise (groups = C = K = 32): 32 GEMMs, N = 1, K = 9.
TEST(SystolicMapper, ConvGroups) {
  const auto g = map("conv2d:N=1,C=32,H=12,W=12,K=64,R=3,S=3,pad=1,groups=4", spec("os"));
  EXPECT_EQ(g.gemms[0].count, 4);
  EXPECT_EQ(g.gemms[0].dims.m, 144);
  EXPECT_EQ(g.gemms[0].dims.n, 16);
  EXPECT_EQ(g.gemms[0].dims.k, 72);
  const auto d = map("conv2d:N=1,C=32,H=12,W=12,K=32,R=3,S=3,pad=1,groups=32", spec("os"));
  EXPECT_EQ(d.gemms[0].count, 32);
  EXPECT_EQ(d.gemms[0].dims.n, 1);
  EXPECT_EQ(d.gemms[0].dims.k, 9);
}

// Dilation 2 on a 3x3 kernel spans 5 pixels: 20x20 input, no pad -> 16x16 out; K stays C x 9.
TEST(SystolicMapper, ConvDilation) {
  const auto m = map("conv2d:N=1,C=4,H=20,W=20,K=8,R=3,S=3,dilation=2", spec("is"));
  EXPECT_EQ(m.gemms[0].dims.m, 256);
  EXPECT_EQ(m.gemms[0].dims.k, 36);
  // is: rows <- K (ceil(36/8) = 5 folds), cols <- M (ceil(256/8) = 32 folds)
  EXPECT_EQ(m.gemms[0].grid.row_folds, 5);
  EXPECT_EQ(m.gemms[0].grid.col_folds, 32);
  EXPECT_EQ(m.gemms[0].grid.last_rows, 4);
}

// Other ranks. conv1d N=2, C=8, W=100, K=16, kernel 5, stride 2: floor((100 - 5)/2) + 1 = 48
// outputs, M = 2 x 48 = 96, K = 8 x 5 = 40. conv3d C=3, 8x16x16, K=8, 3x3x3, pad 1: 8x16x16 out,
// M = 2048, K = 3 x 27 = 81.
TEST(SystolicMapper, ConvRanks) {
  const auto c1 = map("conv1d:N=2,C=8,W=100,K=16,S=5,stride=2", spec("ws"));
  EXPECT_EQ(c1.gemms[0].dims.m, 96);
  EXPECT_EQ(c1.gemms[0].dims.n, 16);
  EXPECT_EQ(c1.gemms[0].dims.k, 40);
  const auto c3 = map("conv3d:N=1,C=3,D=8,H=16,W=16,K=8,T=3,R=3,S=3,pad=1", spec("ws"));
  EXPECT_EQ(c3.gemms[0].dims.m, 2048);
  EXPECT_EQ(c3.gemms[0].dims.k, 81);
}

// Batched GEMM with an activation B: 3 GEMMs of 40x50x60; attention B=2, H=3, S=64, D=32:
// 6 x (QK^T 64x64x32) then 6 x (AV 64x32x64).
TEST(SystolicMapper, BatchedGemmAndAttention) {
  const auto b = map("gemm:B=3,M=40,N=50,K=60", spec("ws"));
  EXPECT_EQ(b.gemms[0].count, 3);
  EXPECT_EQ(b.gemms[0].dims.m, 40);
  const auto a = map("attention:B=2,H=3,S=64,D=32", spec("ws"));
  ASSERT_EQ(a.gemms.size(), 2u);
  EXPECT_EQ(a.gemms[0].count, 6);
  EXPECT_EQ(a.gemms[0].dims.m, 64);
  EXPECT_EQ(a.gemms[0].dims.n, 64);
  EXPECT_EQ(a.gemms[0].dims.k, 32);
  EXPECT_EQ(a.gemms[1].dims.n, 32);
  EXPECT_EQ(a.gemms[1].dims.k, 64);
}

// Ops without MACs are a stated memory pass; a reshape moves nothing; spmm is a dense fallback:
// A (10 x 10) as the GEMM M = rows = 10, N = F = 4, K = cols = 10, one-byte words (spec()):
// ifmap = dense A = 100 B, filter = X = 40 B, ofmap = 40 B, and those are the compulsory bytes.
TEST(SystolicMapper, MemoryPassAndErrors) {
  const auto m = map("softmax:rows=16,cols=32", spec("ws"));
  ASSERT_TRUE(m.memory.has_value());
  EXPECT_EQ(m.memory->read_bytes, 512);
  EXPECT_EQ(m.memory->write_bytes, 512);
  EXPECT_NE(m.to_json()["reason"].get<std::string>().find("no MACs"), std::string::npos);
  const auto s = map("spmm:rows=10,cols=10,nnz=20,F=4", spec("ws"));
  ASSERT_EQ(s.gemms.size(), 1u);
  EXPECT_EQ(s.gemms[0].dims.m, 10);
  EXPECT_EQ(s.gemms[0].dims.n, 4);
  EXPECT_EQ(s.gemms[0].dims.k, 10);
  EXPECT_NE(s.gemms[0].what.find("dense fallback"), std::string::npos);
  EXPECT_EQ(s.compulsory_read_bytes, 140);
  EXPECT_EQ(s.compulsory_write_bytes, 40);
  const auto g = workloads::parse_op_spec("spmm:rows=10,cols=10,nnz=20,F=4");
  EXPECT_NO_THROW(mappers::systolic::map_fixed(g.ops()[0], spec("ws"), {}));
}

// An 8x8 stationary filter tile needs 64 B; a 1 KiB filter SRAM holds it, so the mapping is
// feasible, and the JSON names the folds and residency.
TEST(SystolicMapper, JsonAndResidency) {
  const auto m = map("gemm:M=4096,N=64,K=64", spec("ws", "exact", 1));
  const auto j = m.to_json();
  EXPECT_EQ(j["dataflow"], "ws");
  EXPECT_EQ(j["gemms"][0]["folds"]["total"].get<int64_t>(), 64);
  EXPECT_FALSE(j["gemms"][0]["ifmap_resident"].get<bool>());  // 256 KiB ifmap > 512 B half
  EXPECT_FALSE(j["gemms"][0]["psums_on_chip"].get<bool>());   // 4096 x 8 x 4 B > 512 B
}

}  // namespace
