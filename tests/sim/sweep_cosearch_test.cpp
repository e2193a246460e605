// Sweeps that co-search architecture and mapping: the `search:` block of a spec, its place in
// the result keys, and the shipped configs/sweeps/systolic_cosearch.yaml, whose searched points
// are each no worse than the fixed mapper's at the same architecture.
#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "sim/sweep/evaluator.hpp"
#include "sim/sweep/spec.hpp"

namespace orrery::sim::sweep {
namespace {

const std::string kSpec = std::string(ORRERY_SOURCE_DIR) + "/configs/sweeps/systolic_cosearch.yaml";

double objective(const ResultRow& r, const std::string& o) {
  return o == "edp" ? r.energy_j * r.seconds : o == "energy" ? r.energy_j : r.seconds;
}

// Rows of every task; mappers are the fastest-varying part of a point, so the rows of one
// architecture come as (fixed, search) pairs per workload.
std::vector<ResultRow> run_all(const SweepSpec& spec) {
  const arch::Family* family = arch::find_family(spec.base->family());
  Evaluator ev(spec, *family, load_graphs(spec));
  std::vector<uint64_t> tasks(ev.space().tasks());
  std::iota(tasks.begin(), tasks.end(), uint64_t{0});
  return ev.evaluate(tasks);
}

// Per-layer minimization is exact for the additive objectives (energy, delay): the searched total
// can never exceed the fixed one. EDP is a product of totals, which a per-layer choice does not
// bound in general; on the shipped example it holds, and this checks it.
TEST(SweepCosearch, SearchedPointsNoWorseThanFixed) {
  SweepSpec spec = load_spec(kSpec, registry_env());
  ASSERT_EQ(spec.mappers, (std::vector<std::string>{"fixed", "search"}));
  EXPECT_EQ(spec.search.objective, "edp");
  for (const std::string o : {"edp", "energy", "delay"}) {
    spec.search.objective = o;
    const auto rows = run_all(spec);
    int compared = 0;
    for (const auto& s : rows) {
      if (s.mapper != "search") continue;
      for (const auto& f : rows) {
        if (f.mapper != "fixed" || f.point + 1 != s.point || f.workload != s.workload) continue;
        ASSERT_EQ(f.status, RowStatus::ok) << f.reason;
        ASSERT_EQ(s.status, RowStatus::ok) << s.reason;
        EXPECT_EQ(f.config_hash, s.config_hash);
        EXPECT_LE(objective(s, o), objective(f, o) * (1 + 1e-12)) << o << " point " << s.point;
        ++compared;
      }
    }
    EXPECT_EQ(compared, 18) << o;  // 9 architectures x 2 workloads
  }
}

// The search settings are part of a searched row's key, not of a fixed row's.
TEST(SweepCosearch, SearchSettingsAreInTheKey) {
  SweepSpec spec = load_spec(kSpec, registry_env());
  spec.workloads.resize(1);
  const arch::Family* family = arch::find_family("systolic");
  auto keys = [&](const SweepSpec& sp) {
    Evaluator ev(sp, *family, load_graphs(sp));
    const uint64_t tasks[] = {0, 1};  // point 0 fixed, point 1 search
    const auto rows = ev.evaluate(tasks);
    return std::make_pair(rows[0].key, rows[1].key);
  };
  const auto a = keys(spec);
  SweepSpec other = spec;
  other.search.seed = 7;
  const auto b = keys(other);
  EXPECT_EQ(a.first, b.first);
  EXPECT_NE(a.second, b.second);
  other = spec;
  other.search.objective = "delay";
  EXPECT_NE(keys(other).second, a.second);
  EXPECT_NE(spec.identity_hash(), other.identity_hash());
}

std::string error_of(const std::string& search_block) {
  const std::string text =
      "name: s\nbase: " + std::string(ORRERY_SOURCE_DIR) +
      "/configs/systolic/edge_32x32.yaml\nworkloads:\n  - op: gemm:M=8,N=8,K=8\nmappers: [search]\n" +
      search_block;
  try {
    parse_spec_text(text, "s.yaml", "", registry_env());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(SweepCosearch, SearchBlockErrorsNameTheKey) {
  EXPECT_EQ(error_of("search: {objective: energy, time_s: 2.5, seed: 3}\n"), "");
  EXPECT_NE(error_of("search: {objective: power}\n")
                .find("s.yaml:6:21: search.objective: expected edp|energy|delay"),
            std::string::npos)
      << error_of("search: {objective: power}\n");
  EXPECT_NE(error_of("search: {time_s: -1}\n").find("search.time_s: expected seconds >= 0"),
            std::string::npos);
  EXPECT_NE(error_of("search: {seed: x}\n").find("search.seed: expected an integer >= 0"), std::string::npos);
  EXPECT_NE(error_of("search: {budget: 1}\n").find("search.budget: unknown key"), std::string::npos);
  EXPECT_NE(error_of("search: edp\n").find("search: expected a mapping"), std::string::npos);
}

}  // namespace
}  // namespace orrery::sim::sweep
