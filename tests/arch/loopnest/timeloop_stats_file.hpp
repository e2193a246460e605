#pragma once
// Reads the numbers out of a Timeloop `timeloop-model.stats.txt` / `timeloop-mapper.stats.txt`
// (the golden files in tests/data/loopnest/timeloop), so that a test can compare every count
// the reference reports, not a hand-picked few.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace orrery::arch::loopnest::testing {

struct TimeloopDataSpaceRef {
  std::map<std::string, double> values;  // "Scalar reads (per-instance)" -> 48, ...
};

struct TimeloopLevelRef {
  std::map<std::string, double> values;                     // level-wide keys (Cycles, Computes (total), ...)
  std::map<std::string, TimeloopDataSpaceRef> data_spaces;  // Weights, Inputs, Outputs
};

struct TimeloopStatsRef {
  std::map<std::string, TimeloopLevelRef> levels;  // by name (MACC, Buffer, ...)
  int64_t cycles = 0;
  int64_t computes = 0;
  double energy_uj = 0.0;
  double utilization_percent = 0.0;
  double total_fj_per_compute = 0.0;
};

inline std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

inline TimeloopStatsRef read_timeloop_stats(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  TimeloopStatsRef ref;
  std::string line;
  std::string level;
  std::string ds;
  bool in_levels = true;
  bool in_fj = false;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t == "Networks") in_levels = false;
    if (t.rfind("=== ", 0) == 0 && in_levels) {
      level = t.substr(4, t.size() - 8);
      ds.clear();
      continue;
    }
    if (t.rfind("Cycles: ", 0) == 0) ref.cycles = std::stoll(t.substr(8));
    if (t.rfind("Energy: ", 0) == 0) ref.energy_uj = std::stod(t.substr(8));
    if (t.rfind("Utilization: ", 0) == 0) ref.utilization_percent = std::stod(t.substr(13));
    if (t.rfind("Computes = ", 0) == 0) ref.computes = std::stoll(t.substr(11));
    if (t == "fJ/Compute") in_fj = true;
    if (in_fj && t.rfind("Total", 0) == 0) ref.total_fj_per_compute = std::stod(t.substr(t.find('=') + 1));
    if (!in_levels || level.empty()) continue;
    if (t == "Weights:" || t == "Inputs:" || t == "Outputs:") {
      ds = t.substr(0, t.size() - 1);
      continue;
    }
    const auto colon = t.find(" : ");
    if (colon == std::string::npos) continue;
    const std::string key = trim(t.substr(0, colon));
    std::string val = trim(t.substr(colon + 3));
    try {
      const double v = std::stod(val);
      if (ds.empty())
        ref.levels[level].values[key] = v;
      else
        ref.levels[level].data_spaces[ds].values[key] = v;
    } catch (const std::exception&) {
    }
    if (key == "Cycles" || key == "Bandwidth throttling") {
      // level-wide keys that follow the data spaces of the previous level never occur; reset
      // the data space only at level boundaries (handled above).
    }
  }
  return ref;
}

}  // namespace orrery::arch::loopnest::testing
