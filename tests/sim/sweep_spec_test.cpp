// Sweep spec parsing and validation, point numbering, Pareto fronts, aggregation and the
// systolic area model. Expected values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "arch/systolic/area.hpp"
#include "common/error.hpp"
#include "sim/sweep/evaluator.hpp"
#include "sim/sweep/pareto.hpp"
#include "sim/sweep/point_metrics.hpp"
#include "sim/sweep/point_space.hpp"
#include "sim/sweep/spec.hpp"
#include "tests/sim/sweep_fake_family.hpp"

namespace orrery::sim::sweep {
namespace {

const test::FakeFamily kFake;

SweepSpec parse(const std::string& text) {
  return parse_spec_text(text, "spec.yaml", "", kFake.env(test::kFakeBase));
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kGood = R"(name: s
base: base.yaml
axes:
  pe.count: {log: [32, 512, 5]}
  clock.mhz: {linear: [0.5e3, 2e3, 4]}
  mode: [fast, slow]
workloads:
  - op: gemm:M=8,N=8,K=8
objectives: {seconds: min, energy: min}
)";

TEST(SweepSpec, RangesExpandAsWorkedOutByHand) {
  const SweepSpec s = parse(kGood);
  ASSERT_EQ(s.axes.size(), 3u);
  // log [32, 512, 5]: ratio (512/32)^(1/4) = 2.
  EXPECT_EQ(s.axes[0].values, (std::vector<std::string>{"32", "64", "128", "256", "512"}));
  // linear [500, 2000, 4]: step 500.
  EXPECT_EQ(s.axes[1].values, (std::vector<std::string>{"500", "1000", "1500", "2000"}));
  EXPECT_EQ(s.axes[2].values, (std::vector<std::string>{"fast", "slow"}));
  EXPECT_EQ(s.objectives.size(), 2u);
  EXPECT_EQ(s.objectives[1].metric, Metric::energy_j);  // alias "energy"
  EXPECT_EQ(s.mappers, std::vector<std::string>{""});
  // 5 x 4 x 2 points, 1 workload.
  EXPECT_EQ(PointSpace(s).points(), 40u);
}

TEST(SweepSpec, PointNumberingIsMixedRadixFirstAxisSlowest) {
  const SweepSpec s = parse(kGood);
  const PointSpace space(s);
  // point 13 = ((a0 x 4) + a1) x 2 + a2 -> a0 = 1, a1 = 2, a2 = 1.
  EXPECT_EQ(space.value_indices(13), (std::vector<uint32_t>{1, 2, 1}));
  const auto o = space.overrides(13);
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].path, "pe.count");
  EXPECT_EQ(o[0].value, "64");
  EXPECT_EQ(o[1].value, "1500");
  EXPECT_EQ(o[2].value, "slow");
}

TEST(SweepSpec, MultiKeyAxisAndMappers) {
  const SweepSpec s = parse(R"(name: s
base: base.yaml
axes:
  "pe.count,buffer.kb": [16, 64]
workloads: [{op: "gemm:M=8,N=8,K=8"}, {op: "gemm:M=4,N=4,K=4", batch: 1}]
mappers: [default, other]
)");
  const PointSpace space(s);
  EXPECT_EQ(space.points(), 4u);  // 2 values x 2 mappers
  EXPECT_EQ(space.tasks(), 8u);
  EXPECT_EQ(space.mapper_index(3), 1u);
  const auto o = space.overrides(3);
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[1].path, "buffer.kb");
  EXPECT_EQ(o[1].value, "64");
}

TEST(SweepSpec, IdentityIgnoresObjectives) {
  std::string other = kGood;
  other.replace(other.find("energy: min"), 11, "cycles: min");
  EXPECT_EQ(parse(kGood).identity_hash(), parse(other).identity_hash());
  std::string more = kGood;
  more.replace(more.find("[fast, slow]"), 12, "[fast]");
  EXPECT_NE(parse(kGood).identity_hash(), parse(more).identity_hash());
}

TEST(SweepSpec, ErrorsNameFileLineColumn) {
  EXPECT_NE(error_of("name: s\nbase: b\nbogus: 1\nworkloads: [{op: x}]\n")
                .find("spec.yaml:3:1: bogus: unknown key"),
            std::string::npos);
  const std::string unknown_axis =
      error_of("name: s\nbase: b\naxes:\n  pe.cont: [1]\nworkloads: [{op: x}]\n");
  EXPECT_NE(unknown_axis.find("spec.yaml:4:3: pe.cont: unknown axis"), std::string::npos) << unknown_axis;
  EXPECT_NE(unknown_axis.find("did you mean 'pe.count'"), std::string::npos) << unknown_axis;
  const std::string bad_value =
      error_of("name: s\nbase: b\naxes:\n  pe.count: [4, 0]\nworkloads: [{op: x}]\n");
  EXPECT_NE(bad_value.find("spec.yaml:4:17: pe.count: expected an integer"), std::string::npos) << bad_value;
  const std::string empty =
      error_of("name: s\nbase: b\naxes:\n  pe.count: {linear: [8, 4, 3]}\nworkloads: [{op: x}]\n");
  EXPECT_NE(empty.find("spec.yaml:4:22: pe.count: linear: empty range"), std::string::npos) << empty;
  EXPECT_NE(error_of("name: s\nbase: b\naxes:\n  pe.count: []\nworkloads: [{op: x}]\n").find("empty list"),
            std::string::npos);
  EXPECT_NE(error_of("name: s\nbase: b\naxes:\n  mode: {log: [1, 2, 2]}\nworkloads: [{op: x}]\n")
                .find("numeric key"),
            std::string::npos);
  EXPECT_NE(
      error_of("name: s\nbase: b\nworkloads: [{op: x}]\nobjectives: {speed: min}\n").find("unknown metric"),
      std::string::npos);
  EXPECT_NE(
      error_of("name: s\nbase: b\nworkloads: [{op: x}]\nobjectives: {area: min}\n").find("no area model"),
      std::string::npos);
  EXPECT_NE(
      error_of("name: s\nbase: b\nworkloads: [{op: x}]\nmappers: [nope]\n").find("unknown mapper 'nope'"),
      std::string::npos);
  EXPECT_NE(error_of("name: s\nbase: b\nworkloads: [{op: x, model: y}]\n").find("exactly one of"),
            std::string::npos);
  EXPECT_NE(
      error_of("name: s\nbase: b\naxes:\n  pe.count: [4, 4]\nworkloads: [{op: x}]\n").find("listed twice"),
      std::string::npos);
  EXPECT_NE(
      error_of("name: s\nbase: b\naxes:\n  family: [fake]\nworkloads: [{op: x}]\n").find("cannot be swept"),
      std::string::npos);
  EXPECT_NE(error_of("name: s\nbase: b\n").find("spec.yaml: workloads: required key missing"),
            std::string::npos);
}

TEST(SweepSpec, EveryShippedSpecLoads) {
  // Each configs/sweeps/*.yaml parses against its family's schema through the registry and
  // its workloads build, so a renamed config key or zoo model fails here, not at a user's desk.
  size_t specs = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(ORRERY_SOURCE_DIR) + "/configs/sweeps")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const SweepSpec spec = load_spec(entry.path().string(), registry_env());
    EXPECT_GT(PointSpace(spec).points(), 1u);
    EXPECT_EQ(load_graphs(spec).size(), spec.workloads.size());
    ++specs;
  }
  EXPECT_GE(specs, 3u);
}

TEST(SweepPareto, FrontOfHandExample) {
  // Objectives: minimize a, maximize b. Points (a, b): p0 (1, 1), p1 (2, 3), p2 (2, 2),
  // p3 (3, 3), p4 (0.5, 0.5), p5 (2, 3). p2 is dominated by p1 (same a, less b); p3 by p1;
  // p5 ties p1 and is represented by p1. Front: p4, p0, p1.
  ParetoFront front({{Metric::seconds, Goal::min}, {Metric::throughput, Goal::max}});
  const double pts[][2] = {{1, 1}, {2, 3}, {2, 2}, {3, 3}, {0.5, 0.5}, {2, 3}};
  for (uint64_t i = 0; i < 6; ++i) {
    PointMetrics p;
    p.point = i;
    p.values[static_cast<size_t>(Metric::seconds)] = pts[i][0];
    p.values[static_cast<size_t>(Metric::throughput)] = pts[i][1];
    front.add(p);
  }
  const auto f = front.sorted();
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].point, 4u);
  EXPECT_EQ(f[1].point, 0u);
  EXPECT_EQ(f[2].point, 1u);
}

TEST(SweepPareto, AggregationOverWorkloads) {
  // Two workloads: (1 s, 2 J, 10 inf/s) and (3 s, 4 J, 1000 inf/s), area 5 mm^2.
  // seconds 4, energy 6, EDP 24, throughput geomean sqrt(10 x 1000) = 100, perf/area 20,
  // power 6/4 = 1.5 W, utilization (0.5 x 1 + 0.25 x 3) / 4 = 0.3125.
  std::vector<PointMetrics> out;
  PointAggregator agg([&](const PointMetrics& p) { out.push_back(p); });
  ResultRow a, b;
  a.seconds = 1, a.energy_j = 2, a.throughput_per_s = 10, a.area_mm2 = 5, a.utilization = 0.5, a.cycles = 7;
  b = a;
  b.workload = 1, b.seconds = 3, b.energy_j = 4, b.throughput_per_s = 1000, b.utilization = 0.25;
  ResultRow c = a;
  c.point = 1;
  c.status = RowStatus::invalid;
  c.reason = "too small";
  agg.add(a);
  agg.add(b);
  agg.add(c);
  agg.finish();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_DOUBLE_EQ(out[0].value(Metric::seconds), 4);
  EXPECT_DOUBLE_EQ(out[0].value(Metric::energy_j), 6);
  EXPECT_DOUBLE_EQ(out[0].value(Metric::edp), 24);
  EXPECT_NEAR(out[0].value(Metric::throughput), 100, 1e-9);
  EXPECT_NEAR(out[0].value(Metric::perf_per_area), 20, 1e-9);
  EXPECT_DOUBLE_EQ(out[0].value(Metric::power_w), 1.5);
  EXPECT_DOUBLE_EQ(out[0].value(Metric::utilization), 0.3125);
  EXPECT_DOUBLE_EQ(out[0].value(Metric::cycles), 14);
  EXPECT_FALSE(out[1].ok);
  EXPECT_EQ(out[1].reason, "invalid: too small");
}

TEST(SystolicArea, TpuV1FromItsFloorPlan) {
  // TPU v1 (configs/systolic/tpu_v1.yaml): 256x256 int8 PEs, 24576 + 256 + 4096 KiB of SRAM.
  // Jouppi et al. 2017: die 331 mm^2, MXU 24% -> 79.44 mm^2 for 65536 PEs; UB 29% = 95.99 mm^2
  // for 24576 KiB -> 3.9059e-3 mm^2/KiB; 28928 KiB -> 112.99 mm^2.
  arch::systolic::SystolicSpec s;
  s.rows = s.cols = 256;
  s.input_bytes = 1;
  s.accumulator_bytes = 4;
  s.ifmap_sram_bytes = 24576 * 1024;
  s.filter_sram_bytes = 256 * 1024;
  s.ofmap_sram_bytes = 4096 * 1024;
  const auto a = arch::systolic::area(s);
  EXPECT_NEAR(a.array_mm2, 79.44, 0.01);
  EXPECT_NEAR(a.sram_mm2, 112.99, 0.01);
  EXPECT_NEAR(a.total_mm2, 192.43, 0.02);
  // 2-byte inputs: multiplier x4 -> (282 x 4 + 137) / (282 + 137) = 3.019 x the int8 PE.
  s.input_bytes = 2;
  EXPECT_NEAR(arch::systolic::area(s).pe_mm2 / a.pe_mm2, 1265.0 / 419.0, 1e-12);
}

}  // namespace
}  // namespace orrery::sim::sweep
