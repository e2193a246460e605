#include "arch/loopnest/layer_evaluation.hpp"

#include <fmt/format.h>

#include <cmath>

#include "arch/loopnest/model.hpp"
#include "arch/loopnest/sc/run_cycle.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {
namespace {

using mappers::loopnest::LoopNestPart;
using mappers::loopnest::MemoryPassMapping;
using mappers::loopnest::NestPartMapping;
using nlohmann::json;

constexpr double kJoulesPerPj = 1e-12;

int64_t bytes_of(int64_t words, int word_bits) { return (words * word_bits + 7) / 8; }
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Per-level sums over the parts of one op (attention has two loop nests).
struct LevelTotals {
  struct Space {
    bool kept = false;
    int64_t reads = 0, fills = 0, updates = 0, utilized_instances = 0;
    double energy_pj = 0;
  };
  std::array<Space, kMaxDataSpaces> spaces{};
  std::array<std::string, kMaxDataSpaces> names{};
  double leakage_pj = 0;
  int64_t cycles = 0;
};

Stats nest_stats(const LoopNestSpec& spec, const LoopNestStats& st, int64_t repeat) {
  Stats s;
  s.cycles = st.cycles * repeat;
  s.seconds = static_cast<double>(s.cycles) * spec.cycle_seconds;
  s.macs = st.computes * repeat;
  s.compute_cycles = st.compute_cycles * repeat;
  s.stall_cycles = (st.cycles - st.compute_cycles) * repeat;
  s.utilization = st.utilization_fraction;
  const double r = static_cast<double>(repeat);
  s.add_energy("mac", st.compute_energy_pj * kJoulesPerPj * r);
  double leakage_pj = 0;
  const int outer = spec.num_levels() - 1;
  for (int i = 0; i < spec.num_levels(); ++i) {
    const auto& ls = spec.levels[i];
    if (ls.is_dummy) continue;
    const LevelStats& lv = st.levels[i];
    leakage_pj += lv.leakage_energy_pj;
    s.add_energy(ls.name, (lv.energy_pj - lv.leakage_energy_pj) * kJoulesPerPj * r);
    int64_t read_words = 0, write_words = 0;
    for (int d = 0; d < st.num_data_spaces; ++d) {
      const auto& ds = lv.data_spaces[d];
      if (!ds.kept) continue;
      read_words += ds.reads * ds.utilized_instances;
      write_words += (ds.fills + ds.updates) * ds.utilized_instances;
    }
    const int64_t rb = bytes_of(read_words, ls.word_bits) * repeat,
                  wb = bytes_of(write_words, ls.word_bits) * repeat;
    if (i == outer) {
      s.dram_read_bytes += rb;
      s.dram_write_bytes += wb;
    } else {
      s.sram_read_bytes += rb;
      s.sram_write_bytes += wb;
    }
  }
  s.add_energy("leakage", leakage_pj * kJoulesPerPj * r);
  return s;
}

Stats memory_pass_stats(const LoopNestSpec& spec, const MemoryPassMapping& mp, json& level) {
  const auto& store = spec.levels.back();
  const int64_t read_words = ceil_div(mp.read_bytes * 8, store.word_bits);
  const int64_t write_words = ceil_div(mp.write_bytes * 8, store.word_bits);
  Stats s;
  s.cycles =
      static_cast<int64_t>(std::ceil(static_cast<double>(read_words + write_words) / mp.words_per_cycle));
  s.seconds = static_cast<double>(s.cycles) * spec.cycle_seconds;
  s.stall_cycles = s.cycles;  // no compute: the whole pass waits on the backing store
  s.dram_read_bytes = mp.read_bytes;
  s.dram_write_bytes = mp.write_bytes;
  const int64_t block = store.block_size_words;
  const double access_pj = static_cast<double>(ceil_div(read_words, block)) * store.energy.read_pj +
                           static_cast<double>(ceil_div(write_words, block)) * store.energy.write_pj;
  const double leak_pj = store.energy.leak_pj_per_cycle * static_cast<double>(s.cycles);
  s.add_energy(store.name, access_pj * kJoulesPerPj);
  s.add_energy("leakage", leak_pj * kJoulesPerPj);
  level = {{"name", store.name},
           {"energy_j", access_pj * kJoulesPerPj},
           {"leakage_energy_j", leak_pj * kJoulesPerPj},
           {"instances", store.instances},
           {"memory_pass", {{"read_words", read_words}, {"write_words", write_words}}}};
  return s;
}

}  // namespace

LayerEvaluation evaluate_layer(const LoopNestSpec& spec,
                               const std::vector<mappers::loopnest::LoweredPart>& parts,
                               const mappers::loopnest::LoopNestLayerMapping& mapping,
                               const std::string& where, bool cycle) {
  if (parts.size() != mapping.parts.size())
    throw SimulationError(
        fmt::format("{}: mapping has {} parts, the op {}", where, mapping.parts.size(), parts.size()));
  LayerEvaluation out;
  out.levels = json::array();
  std::vector<LevelTotals> totals(spec.num_levels());
  int64_t computes = 0, utilized_macs = 0;
  double compute_pj = 0;
  bool any_nest = false;
  for (size_t k = 0; k < parts.size(); ++k) {
    if (const auto* mp = std::get_if<MemoryPassMapping>(&mapping.parts[k])) {
      json level;
      out.stats += memory_pass_stats(spec, *mp, level);
      out.levels.push_back(level);
      continue;
    }
    const auto& nm = std::get<NestPartMapping>(mapping.parts[k]);
    const auto& part = std::get<LoopNestPart>(parts[k]);
    const LoopNestModel model(spec, part.problem);
    const auto result = model.evaluate(nm.mapping);
    if (const auto* bad = std::get_if<Infeasible>(&result))
      throw SimulationError(
          fmt::format("{}: {}: infeasible mapping: {}", where, part.problem.name, bad->reason));
    LoopNestStats st = std::get<LoopNestStats>(result);
    if (cycle) st.cycles = run_loopnest_sc(spec, part.problem, nm.mapping).summary.cycles;
    out.stats += nest_stats(spec, st, part.repeat);
    any_nest = true;
    computes += st.computes * part.repeat;
    compute_pj += st.compute_energy_pj * static_cast<double>(part.repeat);
    utilized_macs = std::max(utilized_macs, st.utilized_mac_instances);
    for (int i = 0; i < spec.num_levels(); ++i) {
      auto& t = totals[i];
      t.leakage_pj += st.levels[i].leakage_energy_pj * static_cast<double>(part.repeat);
      t.cycles += st.levels[i].cycles * part.repeat;
      for (int d = 0; d < part.problem.num_data_spaces(); ++d) {
        const auto& ds = st.levels[i].data_spaces[d];
        if (!ds.kept) continue;
        // Data spaces by name: every part has Weights, Inputs, Outputs in this order.
        t.names[d] = part.problem.data_spaces[d].name;
        auto& a = t.spaces[d];
        a.kept = true;
        a.reads += ds.reads * part.repeat;
        a.fills += ds.fills * part.repeat;
        a.updates += ds.updates * part.repeat;
        a.utilized_instances = std::max(a.utilized_instances, ds.utilized_instances);
        a.energy_pj += ds.energy_pj_total * static_cast<double>(part.repeat);
      }
    }
  }
  if (any_nest) {
    // The arithmetic level first, then the storage levels innermost first (Timeloop's order).
    json levels = json::array();
    levels.push_back({{"name", spec.arithmetic.name},
                      {"energy_j", compute_pj * kJoulesPerPj},
                      {"instances", spec.arithmetic.instances},
                      {"utilized_instances", utilized_macs},
                      {"computes", computes},
                      {"dataspaces", json::object()}});
    for (int i = 0; i < spec.num_levels(); ++i) {
      const auto& ls = spec.levels[i];
      if (ls.is_dummy) continue;
      const auto& t = totals[i];
      json spaces = json::object();
      double energy_pj = 0;
      for (int d = 0; d < kMaxDataSpaces; ++d) {
        const auto& a = t.spaces[d];
        if (!a.kept) continue;
        energy_pj += a.energy_pj;
        spaces[t.names[d]] = {{"reads", a.reads},
                              {"fills", a.fills},
                              {"updates", a.updates},
                              {"utilized_instances", a.utilized_instances},
                              {"energy_j", a.energy_pj * kJoulesPerPj}};
      }
      levels.push_back({{"name", ls.name},
                        {"energy_j", energy_pj * kJoulesPerPj},
                        {"leakage_energy_j", t.leakage_pj * kJoulesPerPj},
                        {"instances", ls.instances},
                        {"cycles", t.cycles},
                        {"dataspaces", spaces}});
    }
    for (auto& l : out.levels) levels.push_back(l);  // memory passes (none in practice)
    out.levels = levels;
  }
  return out;
}

}  // namespace orrery::arch::loopnest
