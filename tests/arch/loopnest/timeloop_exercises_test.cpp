// Timeloop v0.4 reference outputs of the ISPASS 2020 tutorial exercises (provenance in
// tests/data/loopnest/timeloop/README.md): every count the stats file reports, per level and
// data space, must match exactly; energies within 1 %. The architecture is read from the
// front end's parsed-processed-input.yaml (what Timeloop's model actually saw), the problem and
// the mapping from the exercise's own input files, the energies from the reference ERT.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/model.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"
#include "tests/arch/loopnest/timeloop_exercise_case.hpp"
#include "tests/arch/loopnest/timeloop_stats_file.hpp"

namespace orrery::arch::loopnest {
namespace {

using test::ExerciseCase;
using test::kData;

class TimeloopExercise : public ::testing::TestWithParam<ExerciseCase> {};

void expect_energy_near(double got_pj, double ref_pj, const std::string& what) {
  // The stats file prints 2 decimals: allow that rounding on tiny values, 1 % elsewhere.
  const double tol = std::max(0.01 * std::abs(ref_pj), 0.011);
  EXPECT_NEAR(got_pj, ref_pj, tol) << what;
}

TEST_P(TimeloopExercise, EveryCountMatchesTheReferenceStats) {
  const ExerciseCase& c = GetParam();
  const std::string out = c.out_dir();
  const test::ExerciseInputs in = test::read_exercise(c);
  const LoopNestSpec& spec = in.spec;
  const Problem& problem = in.problem;
  const Mapping& mapping = in.mapping;
  const LoopNestModel model(spec, problem);
  const auto result = model.evaluate(mapping);
  ASSERT_TRUE(std::holds_alternative<LoopNestStats>(result)) << std::get<Infeasible>(result).reason;
  const LoopNestStats& st = std::get<LoopNestStats>(result);
  const auto ref = testing::read_timeloop_stats(out + c.prefix + ".stats.txt");

  EXPECT_EQ(st.cycles, ref.cycles);
  EXPECT_NEAR(st.utilization_fraction * 100.0, ref.utilization_percent, 0.005);
  EXPECT_EQ(st.computes, ref.computes);
  const auto& mac = ref.levels.at(spec.arithmetic.name).values;
  EXPECT_EQ(st.computes, static_cast<int64_t>(mac.at("Computes (total)")));
  EXPECT_EQ(st.utilized_mac_instances, static_cast<int64_t>(mac.at("Utilized instances")));
  EXPECT_EQ(st.cycles, static_cast<int64_t>(mac.at("Cycles")));
  expect_energy_near(st.compute_energy_pj, mac.at("Energy (total)"), "compute energy");

  int levels_checked = 0;
  for (int i = 0; i < spec.num_levels(); ++i) {
    const auto& ls = spec.levels[i];
    if (ls.is_dummy) continue;
    SCOPED_TRACE(ls.name);
    const auto& lref = ref.levels.at(ls.name);
    EXPECT_EQ(st.levels[i].cycles, static_cast<int64_t>(lref.values.at("Cycles")));
    EXPECT_NEAR(st.levels[i].bandwidth_throttling, lref.values.at("Bandwidth throttling"), 0.005);
    expect_energy_near(st.levels[i].leakage_energy_pj, lref.values.at("Leakage energy (total)"), "leakage");
    for (int s = 0; s < problem.num_data_spaces(); ++s) {
      const std::string& dsn = problem.data_spaces[s].name;
      const auto& got = st.levels[i].data_spaces[s];
      const auto it = lref.data_spaces.find(dsn);
      EXPECT_EQ(got.kept, it != lref.data_spaces.end()) << dsn;
      if (it == lref.data_spaces.end()) continue;
      SCOPED_TRACE(dsn);
      const auto& v = it->second.values;
      EXPECT_EQ(got.partition_size, static_cast<int64_t>(v.at("Partition size")));
      EXPECT_EQ(got.utilized_capacity, static_cast<int64_t>(v.at("Utilized capacity")));
      EXPECT_EQ(got.utilized_instances, static_cast<int64_t>(v.at("Utilized instances (max)")));
      EXPECT_EQ(got.utilized_clusters, static_cast<int64_t>(v.at("Utilized clusters (max)")));
      EXPECT_EQ(got.reads, static_cast<int64_t>(v.at("Scalar reads (per-instance)")));
      EXPECT_EQ(got.fills, static_cast<int64_t>(v.at("Scalar fills (per-instance)")));
      EXPECT_EQ(got.updates, static_cast<int64_t>(v.at("Scalar updates (per-instance)")));
      EXPECT_EQ(got.temporal_reductions, static_cast<int64_t>(v.at("Temporal reductions (per-instance)")));
      // Printed with 2 decimals: the words per cycle that bandwidth throttling compares.
      EXPECT_NEAR(got.read_words_per_cycle, v.at("Read Bandwidth (per-instance)"), 0.0051);
      EXPECT_NEAR(got.write_words_per_cycle, v.at("Write Bandwidth (per-instance)"), 0.0051);
      EXPECT_NEAR(got.read_words_per_cycle + got.write_words_per_cycle,
                  v.at("Shared Bandwidth (per-instance)"), 0.0051);
      expect_energy_near(got.energy_pj_per_instance, v.at("Energy (per-instance)"), "energy per instance");
      expect_energy_near(got.energy_pj_total, v.at("Energy (total)"), "energy total");
    }
    ++levels_checked;
  }
  EXPECT_EQ(levels_checked + 1, static_cast<int>(ref.levels.size()));
  EXPECT_NEAR(st.energy_pj * 1000.0 / static_cast<double>(st.computes), ref.total_fj_per_compute,
              0.01 * ref.total_fj_per_compute);
}

INSTANTIATE_TEST_SUITE_P(Ispass2020, TimeloopExercise, ::testing::ValuesIn(test::ispass2020_cases()),
                         [](const auto& info) { return info.param.label; });

// The example designs of the same repository: Timeloop's mapper result on a strided conv layer.
INSTANTIATE_TEST_SUITE_P(ExampleDesigns, TimeloopExercise, ::testing::ValuesIn(test::example_design_cases()),
                         [](const auto& info) { return info.param.label; });

}  // namespace
}  // namespace orrery::arch::loopnest
