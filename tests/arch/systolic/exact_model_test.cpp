// timing: exact — traffic, partial sums, stalls and energy, with hand-derived numbers.
#include <gtest/gtest.h>

#include "arch/systolic/layer_timing.hpp"
#include "common/error.hpp"
#include "tests/arch/systolic/systolic_test_support.hpp"

namespace {

using orrery::test::run_op;
using orrery::test::systolic_config;
using orrery::test::systolic_yaml;

// ws, 4x4, M = N = K = 8, 1-byte words, 4-byte partial sums, everything fits.
// Folds (col outer, row inner); "slice" = the ifmap's K-slice (64 B x 4/8 = 32 B):
//   f0 (k0-3, n0-3): DRAM rd 16 (filter tile) + 32 (slice) = 48, wr 0;
//                    SRAM rd 16 + 8x4 = 48, wr 48 (fill) + 32 sums x 4 B = 176
//   f1 (k4-7, n0-3): DRAM rd 16 + 32 = 48, wr 32 outputs;
//                    SRAM rd 48 + 128 (sums back) + 32 (drain) = 208, wr 48 + 32 = 80
//   f2 (k0-3, n4-7): ifmap now resident: DRAM rd 16; SRAM rd 48, wr 16 + 128 = 144
//   f3 (k4-7, n4-7): DRAM rd 16, wr 32; SRAM rd 208, wr 16 + 32 = 48
// DRAM 128 read + 64 written (= compulsory: 64 ifmap + 64 filter, 64 ofmap).
// SRAM 512 read + 448 written. Energy: 512 MACs x 1 pJ + 960 B x 2 pJ + 192 B x 100 pJ = 21632 pJ.
TEST(ExactModel, TrafficAndEnergyByHand) {
  const auto r = run_op(systolic_config(systolic_yaml(4, 4, "ws", "exact")), "gemm:M=8,N=8,K=8");
  EXPECT_EQ(r.total.dram_read_bytes, 128);
  EXPECT_EQ(r.total.dram_write_bytes, 64);
  EXPECT_EQ(r.total.sram_read_bytes, 512);
  EXPECT_EQ(r.total.sram_write_bytes, 448);
  EXPECT_NEAR(r.total.energy_breakdown_j.at("mac"), 512e-12, 1e-20);
  EXPECT_NEAR(r.total.energy_breakdown_j.at("sram"), 1920e-12, 1e-20);
  EXPECT_NEAR(r.total.energy_breakdown_j.at("dram"), 19200e-12, 1e-20);
  EXPECT_NEAR(r.total.energy_j, 21632e-12, 1e-20);
}

// Partial sums that do not fit: ws 4x4, M = 1024, N = 4, K = 8, ofmap SRAM 1 KiB (512 B a half):
// one column fold, two row folds; its sums are 1024 x 4 x 4 B = 16 KiB > 512 B, so row fold 0
// writes 16384 B of sums and row fold 1 reads them back. Reads: 8192 ifmap + 32 filter + 16384;
// writes: 16384 + 4096 outputs.
TEST(ExactModel, PartialSumSpill) {
  const auto cfg = systolic_config(systolic_yaml(4, 4, "ws", "exact"), {"sram.ofmap_kb=1"});
  const auto r = run_op(cfg, "gemm:M=1024,N=4,K=8");
  EXPECT_EQ(r.total.dram_read_bytes, 8192 + 32 + 16384);
  EXPECT_EQ(r.total.dram_write_bytes, 16384 + 4096);
  EXPECT_FALSE(r.layers[0].mapping["gemms"][0]["psums_on_chip"].get<bool>());
  const auto fits = run_op(systolic_config(systolic_yaml(4, 4, "ws", "exact")), "gemm:M=1024,N=4,K=8");
  EXPECT_EQ(fits.total.dram_read_bytes, 8192 + 32);
  EXPECT_EQ(fits.total.dram_write_bytes, 4096);
}

// Re-fetch when the ifmap does not fit: ws 4x4, M = 256, N = 8, K = 8, ifmap SRAM 1 KiB
// (512 B a half) < 2048 B ifmap: each of the 2 column folds streams the ifmap again.
TEST(ExactModel, IfmapRefetch) {
  const auto cfg = systolic_config(systolic_yaml(4, 4, "ws", "exact"), {"sram.ifmap_kb=1"});
  const auto r = run_op(cfg, "gemm:M=256,N=8,K=8");
  EXPECT_EQ(r.total.dram_read_bytes, 2 * 2048 + 64);
}

// Scarce bandwidth: 1024^3 on 256x256 ws at 1 B/cycle must wait for DRAM. Its compulsory
// traffic alone is 3 MiB (1 MiB ifmap + 1 MiB filter + 1 MiB ofmap) = 3145728 cycles at
// 1 B/cycle, far above the 17,150 compute cycles, so cycles >= traffic / bandwidth.
TEST(ExactModel, StallsUnderLowBandwidth) {
  const auto cfg = systolic_config(systolic_yaml(256, 256, "ws", "exact", 1.0, 100, 8192));
  const auto r = run_op(cfg, "gemm:M=1024,N=1024,K=1024");
  EXPECT_GT(r.total.stall_cycles, 0);
  EXPECT_GE(r.total.cycles, r.total.dram_read_bytes + r.total.dram_write_bytes);
  EXPECT_EQ(r.total.cycles, r.total.compute_cycles + r.total.stall_cycles);
  const auto fast = run_op(systolic_config(systolic_yaml(256, 256, "ws", "exact", 1e9, 0, 8192)),
                           "gemm:M=1024,N=1024,K=1024");
  // 16 full folds, T = 1024 >= P = 256: 256 + 16 x 1024 + 510 = 17150 compute cycles.
  EXPECT_EQ(fast.total.compute_cycles, 256 + 16 * 1024 + 510);
  EXPECT_EQ(fast.total.stall_cycles, 2);
}

// Energy breakdown sums to the total, leakage = watts x seconds; DRAM >= compulsory for a mix.
TEST(ExactModel, InvariantsOnAMix) {
  const auto cfg = systolic_config(systolic_yaml(16, 16, "os", "exact", 8, 50, 64), {"energy.leakage_w=0.5"});
  for (const char* op :
       {"conv2d:N=2,C=32,H=28,W=28,K=64,R=3,S=3,stride=2,pad=1",
        "conv2d:N=1,C=32,H=14,W=14,K=32,R=3,S=3,pad=1,groups=32", "attention:B=1,H=4,S=64,D=32",
        "gemm:B=3,M=40,N=50,K=60", "elementwise:op=add,numel=4096", "softmax:rows=64,cols=64"}) {
    for (const char* df : {"ws", "os", "is"}) {
      const auto r = run_op(
          systolic_config(systolic_yaml(16, 16, df, "exact", 8, 50, 64), {"energy.leakage_w=0.5"}), op);
      double sum = 0;
      for (const auto& [k, v] : r.total.energy_breakdown_j) sum += v;
      EXPECT_NEAR(sum, r.total.energy_j, 1e-15) << op;
      EXPECT_NEAR(r.total.energy_breakdown_j.at("leakage"), 0.5 * r.total.seconds, 1e-15) << op;
      const auto& m = r.layers[0].mapping["compulsory_bytes"];
      EXPECT_GE(r.total.dram_read_bytes, m["read"].get<int64_t>()) << op;
      EXPECT_GE(r.total.dram_write_bytes, m["write"].get<int64_t>()) << op;
      EXPECT_GE(r.total.stall_cycles, 0) << op;
      EXPECT_GT(r.total.cycles, 0) << op;
    }
  }
  (void)cfg;
}

// Ops with no MACs are a DRAM-bound pass: latency + bytes / bandwidth. elementwise add of 4096
// int8-word elements: 2 x 4096 read + 4096 written = 12288 B at 8 B/cycle = 1536 + 50 latency.
TEST(ExactModel, MemoryPass) {
  const auto r = run_op(systolic_config(systolic_yaml(16, 16, "ws", "exact", 8, 50, 64)),
                        "elementwise:op=add,numel=4096");
  EXPECT_EQ(r.total.cycles, 1586);
  EXPECT_EQ(r.total.compute_cycles, 0);
  EXPECT_EQ(r.total.stall_cycles, 1586);
  EXPECT_EQ(r.layers[0].mapping["unit"], "memory pass (not on the array)");
}

// The invariants are checked in release builds: counts below the compulsory traffic or a
// layer shorter than its compute cycles are a bug (SimulationError), not a result.
TEST(ExactModel, InvariantChecksFire) {
  const auto spec = orrery::arch::systolic::make_spec(systolic_config(systolic_yaml(4, 4, "ws", "exact")));
  orrery::mappers::systolic::SystolicMapping m;
  m.compulsory_read_bytes = 100;
  orrery::arch::systolic::LayerCounts c;
  c.cycles = c.compute_cycles = 10;
  c.dram_read_bytes = 50;
  EXPECT_THROW(orrery::arch::systolic::layer_stats(c, m, spec, 0, "x"), orrery::SimulationError);
  c.dram_read_bytes = 100;
  c.cycles = 9;
  EXPECT_THROW(orrery::arch::systolic::layer_stats(c, m, spec, 0, "x"), orrery::SimulationError);
  c.cycles = 10;
  EXPECT_NO_THROW(orrery::arch::systolic::layer_stats(c, m, spec, 0, "x"));
}

// A stationary tile that fits no buffer half is an infeasible mapping, reported as a workload
// error naming the tile and the buffer.
TEST(ExactModel, InfeasibleMapping) {
  const auto cfg = systolic_config(systolic_yaml(256, 256, "ws", "exact", 48, 100, 64));  // 32 KiB halves
  try {
    run_op(cfg, "gemm:M=64,N=512,K=512");
    FAIL() << "expected WorkloadError";
  } catch (const orrery::WorkloadError& e) {
    EXPECT_NE(
        std::string(e.what()).find("a 256x256 filter tile needs 65536 B, a filter SRAM half holds 32768 B"),
        std::string::npos)
        << e.what();
  }
}

}  // namespace
