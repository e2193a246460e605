// The cycle model's counts and cycles against the analytical model on random small mappings
// (strided, dilated conv1d with input and output channels on RF x4 / GLB / DRAM; random factor
// placement, loop orders, bypass, bandwidths and buffering). Counts must be equal whatever the
// bandwidth; cycles equal the compute cycles when bandwidth is unbounded, and are never below
// the analytical cycles otherwise (the analytical bound assumes perfect overlap). A deadlock of
// the engines would end the simulation early and fail the model's own invariant check.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "arch/loopnest/mapping_text.hpp"
#include "arch/loopnest/model.hpp"
#include "arch/loopnest/sc/run_cycle.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"
#include "tests/arch/loopnest/random_conv1d_case.hpp"

namespace orrery::arch::loopnest {
namespace {

TEST(CycleModelRandom, CountsAndCyclesAgreeWithTheAnalyticalModel) {
  std::mt19937_64 rng(2026);
  const double bandwidths[] = {0.0, 0.5, 1.0, 2.0, 4.0};
  int compared = 0;
  for (int trial = 0; trial < 200; ++trial) {
    auto [prob, spec, m, stride, dil] = test::random_conv1d_case(rng);
    const bool unbounded = trial % 2 == 0;
    for (auto& l : spec.levels) {
      l.read_bandwidth_words_per_cycle = unbounded ? 0.0 : bandwidths[rng() % 5];
      l.write_bandwidth_words_per_cycle = unbounded ? 0.0 : bandwidths[rng() % 5];
      l.multiple_buffering = 1.0 + static_cast<double>(rng() % 2);
    }
    const LoopNestModel model(spec, prob);
    LoopNestStats st;
    ASSERT_FALSE(model.evaluate(m, st).has_value());
    const LoopNestScResult sc = run_loopnest_sc(spec, prob, m);
    SCOPED_TRACE(fmt::format("trial {} stride {} dilation {}\n{}", trial, stride, dil,
                             mapping_loop_nest_text(model, m)));
    if (unbounded) {
      EXPECT_EQ(sc.summary.cycles, st.compute_cycles);
      EXPECT_EQ(sc.summary.cycles, st.cycles);
    } else {
      EXPECT_GE(sc.summary.cycles, st.cycles);
    }
    // Every cycle beyond the computes is a stall charged to some level, or the final drains.
    int64_t stalls = sc.summary.drain_tail_cycles;
    for (int64_t c : sc.summary.stall_cycles) stalls += c;
    EXPECT_EQ(sc.summary.cycles, st.compute_cycles + stalls);
    for (int i = 0; i < 3; ++i)
      for (int s = 0; s < 3; ++s) {
        const auto& a = st.levels[i].data_spaces[s];
        const LoopNestScRow* row = sc.row(i, s);
        ASSERT_EQ(row != nullptr, a.kept);
        if (!a.kept) continue;
        EXPECT_EQ(row->reads, a.reads) << "level " << i << " data space " << s;
        EXPECT_EQ(row->fills, a.fills) << "level " << i << " data space " << s;
        EXPECT_EQ(row->updates, a.updates) << "level " << i << " data space " << s;
        ++compared;
      }
  }
  EXPECT_GT(compared, 1000);
}

}  // namespace
}  // namespace orrery::arch::loopnest
