// The systolic `search` mapper: hand-derived choices of dataflow and fold order, SCALE-Sim
// exactness of the chosen dataflow, and never worse than any fixed dataflow on any layer.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "arch/registry.hpp"
#include "arch/systolic/layer_timing.hpp"
#include "arch/systolic/spec.hpp"
#include "common/error.hpp"
#include "mappers/systolic/lowering.hpp"
#include "mappers/systolic/placement.hpp"
#include "workloads/op_spec.hpp"
#include "workloads/zoo/registry.hpp"

namespace {

using namespace orrery;
using arch::systolic::Dataflow;
using arch::systolic::FoldOrder;
using mappers::systolic::SystolicMapping;

// An 8x8 array; SRAM sizes in KB (double-buffered: a half is size / 2).
std::string yaml(const std::string& timing, int ifmap_kb = 1024, int filter_kb = 1024, int ofmap_kb = 1024) {
  return fmt::format(R"(name: t
family: systolic
array: {{rows: 8, cols: 8}}
dataflow: ws
timing: {0}
sram: {{ifmap_kb: {1}, filter_kb: {2}, ofmap_kb: {3}}}
dram: {{bandwidth_bytes_per_cycle: 16, latency_cycles: 10}}
clock: {{frequency_mhz: 1000}}
data: {{input_bytes: 1, output_bytes: 1, accumulator_bytes: 4}}
energy: {{mac_pj: 1, sram_pj_per_byte: 2, dram_pj_per_byte: 100, leakage_w: 0.1}}
)",
                     timing, ifmap_kb, filter_kb, ofmap_kb);
}

arch::RunResult run(const config::Resolved& cfg, const workloads::Graph& g, const std::string& mapper,
                    const std::string& objective = "edp") {
  arch::RunOptions o;
  o.mapper = mapper;
  o.objective = objective;
  return arch::find_family("systolic")->simulate(cfg, g, o);
}

// Timed by SCALE-Sim's rule (8x8 array, R = C = 8): a layer is folds x cycles per fold - 1 with
//   os: folds ceil(M/8) x ceil(N/8), K + R + C - 2 = K + 14 cycles per fold
//   ws: folds ceil(K/8) x ceil(N/8), 2R + C + M - 2 = M + 22
//   is: folds ceil(K/8) x ceil(M/8), 2R + C + N - 2 = N + 22
// M = 256, N = 8, K = 8 (a tall skinny GEMM): ws 1 x 1 x 278 - 1 = 277, os 32 x 1 x 22 - 1 = 703,
// is 1 x 32 x 30 - 1 = 959: ws wins.
// M = 8, N = 8, K = 256 (a long reduction): os 1 x 1 x 270 - 1 = 269, ws 32 x 1 x 30 - 1 = 959,
// is 32 x 1 x 30 - 1 = 959: os wins.
// M = 8, N = 256, K = 8 (a wide output): is 1 x 1 x 278 - 1 = 277, ws 1 x 32 x 30 - 1 = 959,
// os 1 x 32 x 22 - 1 = 703: is wins.
struct HandCase {
  std::string op;
  Dataflow best;
  int64_t cycles;
};

TEST(SystolicSearchMapper, PicksTheDataflowWithTheFewestScaleSimCycles) {
  const auto cfg = arch::load_arch_text(yaml("scalesim"), "t.yaml");
  for (const HandCase& c :
       {HandCase{"gemm:M=256,N=8,K=8", Dataflow::ws, 277}, HandCase{"gemm:M=8,N=8,K=256", Dataflow::os, 269},
        HandCase{"gemm:M=8,N=256,K=8", Dataflow::is, 277}}) {
    const auto g = workloads::parse_op_spec(c.op);
    const auto r = run(cfg, g, "search", "delay");
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].stats.cycles, c.cycles) << c.op;
    EXPECT_EQ(r.layers[0].mapping["dataflow"], std::string(arch::systolic::to_string(c.best))) << c.op;
    EXPECT_EQ(r.layers[0].mapping["mapper"], "search");
    // Every candidate is in the notes with its objective; SCALE-Sim timing: one order each.
    int candidates = 0;
    bool chosen = false;
    for (const auto& n : r.layers[0].mapping["notes"]) {
      const std::string s = n.get<std::string>();
      if (s.rfind("search candidate ", 0) == 0) ++candidates;
      if (s.find("<- chosen") != std::string::npos) chosen = true;
    }
    EXPECT_EQ(candidates, 3) << c.op;
    EXPECT_TRUE(chosen) << c.op;
  }
}

// ws on 8x8, M = 64, N = 32, K = 32: 4 row folds (K) x 4 column folds (N). Ifmap 64 x 32 =
// 2048 B, filter 32 x 32 = 1024 B, ofmap 2048 B. ifmap_kb = 2: a half holds 1024 B, so the whole
// ifmap does not fit but one K-slice (2048 x 8 / 32 = 512 B) does.
//   rows_inner (fixed): each column fold walks all K-slices, so the ifmap is read once per
//     column fold: 4 x 2048 + 1024 filter = 9216 B read.
//   cols_inner: each K-slice is loaded once and reused by the 4 column folds; the partial sums of
//     all column folds (64 x 32 x 4 B = 8192 B) stay in an ofmap half (32 KB): 2048 + 1024 =
//     3072 B read.
// Writes are the 2048 B of outputs either way.
TEST(SystolicSearchMapper, FoldOrderDecidesWhatIsReused) {
  const auto cfg = arch::load_arch_text(yaml("exact", 2, 64, 64), "t.yaml");
  const auto spec = arch::systolic::make_spec(cfg);
  const auto g = workloads::parse_op_spec("gemm:M=64,N=32,K=32");
  const auto low = mappers::systolic::lower(g.ops()[0], spec);
  auto timed = [&](FoldOrder order) {
    const FoldOrder orders[] = {order};
    const auto m =
        std::get<SystolicMapping>(mappers::systolic::place("g", low, spec, Dataflow::ws, orders, "t"));
    return arch::systolic::time_layer(m, spec);
  };
  const auto rows_inner = timed(FoldOrder::rows_inner), cols_inner = timed(FoldOrder::cols_inner);
  EXPECT_EQ(rows_inner.dram_read_bytes, 9216);
  EXPECT_EQ(cols_inner.dram_read_bytes, 3072);
  EXPECT_EQ(rows_inner.dram_write_bytes, 2048);
  EXPECT_EQ(cols_inner.dram_write_bytes, 2048);
  // Full folds only: the order does not change the compute cycles (16 folds of M = 64).
  EXPECT_EQ(rows_inner.compute_cycles, cols_inner.compute_cycles);

  // The search, minimizing energy, takes an order that reads the ifmap once.
  const auto r = run(cfg, g, "search", "energy");
  EXPECT_LE(r.layers[0].stats.dram_read_bytes, 3072);
  const auto f = run(cfg, g, "fixed");
  EXPECT_EQ(f.layers[0].stats.dram_read_bytes, 9216);
  EXPECT_LT(r.layers[0].stats.energy_j, f.layers[0].stats.energy_j);
}

// os on 8x8, M = 64, N = 64, K = 32: 8 row folds (M) x 8 column folds (N). Ifmap 64 x 32 =
// 2048 B, filter 32 x 64 = 2048 B, ofmap 4096 B. filter_kb = 2: a half holds 1024 B, so the whole
// filter does not fit, an N-slice (2048 x 8 / 64 = 256 B) does; ifmap_kb = 64 holds anything.
//   cols_inner (fixed): an ifmap M-slice serves the 8 column folds (read once, 2048 B), but the
//     filter is walked once per row fold: 8 x 2048 = 16384 B; 18432 B read.
//   rows_inner: an N-slice of the filter serves the 8 row folds (read once, 2048 B) and the whole
//     ifmap stays for the next column fold (read once, 2048 B): 4096 B read.
TEST(SystolicSearchMapper, OsFoldOrderDecidesWhatIsReused) {
  const auto cfg = arch::load_arch_text(yaml("exact", 64, 2, 64), "t.yaml");
  const auto spec = arch::systolic::make_spec(cfg);
  const auto g = workloads::parse_op_spec("gemm:M=64,N=64,K=32");
  const auto low = mappers::systolic::lower(g.ops()[0], spec);
  auto timed = [&](FoldOrder order) {
    const FoldOrder orders[] = {order};
    const auto m =
        std::get<SystolicMapping>(mappers::systolic::place("g", low, spec, Dataflow::os, orders, "t"));
    return arch::systolic::time_layer(m, spec);
  };
  EXPECT_EQ(timed(FoldOrder::cols_inner).dram_read_bytes, 18432);
  EXPECT_EQ(timed(FoldOrder::rows_inner).dram_read_bytes, 4096);
  EXPECT_EQ(timed(FoldOrder::rows_inner).dram_write_bytes, 4096);
}

// A saved searched mapping replays to the same numbers (the fold order round-trips).
TEST(SystolicSearchMapper, MappingRoundTrips) {
  const auto cfg = arch::load_arch_text(yaml("exact", 2, 64, 64), "t.yaml");
  const auto spec = arch::systolic::make_spec(cfg);
  const auto g = workloads::parse_op_spec("gemm:M=64,N=32,K=32");
  const auto r = run(cfg, g, "search", "energy");
  const auto m = SystolicMapping::from_json(r.layers[0].mapping, spec);
  EXPECT_EQ(m.to_json(), r.layers[0].mapping);
}

double objective(const arch::Stats& s, const std::string& o) {
  return o == "edp" ? s.energy_j * s.seconds : o == "energy" ? s.energy_j : s.seconds;
}

// Under SCALE-Sim timing, every layer of ResNet-50 on google.cfg has exactly the result the fixed
// mapper gives for a config with the dataflow the search chose.
TEST(SystolicSearchMapper, ScaleSimResultEqualsFixedWithTheChosenDataflow) {
  const std::string file = std::string(ORRERY_SOURCE_DIR) + "/configs/systolic/scalesim_google.yaml";
  const auto g = workloads::zoo::build_model("resnet50", {1, workloads::DType::int8});
  const auto searched = run(arch::load_arch(file), g, "search");
  std::map<std::string, arch::RunResult> fixed;
  for (const char* d : {"ws", "os", "is"})
    fixed[d] = run(arch::load_arch(file, {config::parse_override(std::string("dataflow=") + d)}), g, "fixed");
  for (size_t i = 0; i < g.size(); ++i) {
    const auto& s = searched.layers[i];
    const auto& f = fixed.at(s.mapping["dataflow"].get<std::string>()).layers[i];
    EXPECT_EQ(s.stats.cycles, f.stats.cycles) << s.name;
    EXPECT_EQ(s.stats.energy_j, f.stats.energy_j) << s.name;
    EXPECT_EQ(s.stats.dram_read_bytes, f.stats.dram_read_bytes) << s.name;
    EXPECT_EQ(s.stats.dram_write_bytes, f.stats.dram_write_bytes) << s.name;
    EXPECT_EQ(s.stats.sram_read_bytes, f.stats.sram_read_bytes) << s.name;
  }
}

// For each objective, on ResNet-50 and BERT-base (attention: two GEMM passes), exact timing, the
// search's layer is never worse than the fixed mapper's under any of the three dataflows.
TEST(SystolicSearchMapper, NeverWorseThanAnyFixedDataflow) {
  const std::string file = std::string(ORRERY_SOURCE_DIR) + "/configs/systolic/edge_32x32.yaml";
  for (const char* model : {"resnet50", "bert_base"}) {
    const auto g = workloads::zoo::build_model(model, {1, workloads::DType::int8});
    std::map<std::string, arch::RunResult> fixed;
    for (const char* d : {"ws", "os", "is"})
      fixed[d] =
          run(arch::load_arch(file, {config::parse_override(std::string("dataflow=") + d)}), g, "fixed");
    for (const char* o : {"edp", "energy", "delay"}) {
      const auto searched = run(arch::load_arch(file), g, "search", o);
      for (size_t i = 0; i < g.size(); ++i)
        for (const auto& [d, f] : fixed)
          EXPECT_LE(objective(searched.layers[i].stats, o), objective(f.layers[i].stats, o))
              << model << " " << o << " layer " << searched.layers[i].name << " vs fixed " << d;
    }
  }
}

TEST(SystolicSearchMapper, UnknownObjectiveIsAUsageError) {
  const auto cfg = arch::load_arch_text(yaml("exact"), "t.yaml");
  EXPECT_THROW(run(cfg, workloads::parse_op_spec("gemm:M=8,N=8,K=8"), "search", "power"), UsageError);
}

}  // namespace
