#pragma once
// One simulation's report (DESIGN §5) and its writers. Numbers are formatted only here.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "arch/family.hpp"

namespace orrery::sim {

inline constexpr int kReportSchemaVersion = 1;

struct Report {
  std::string arch_name, arch_family, arch_file, config_hash;
  std::string workload_name;
  int64_t workload_ops = 0, workload_params = 0, workload_macs = 0;
  arch::Fidelity fidelity = arch::Fidelity::analytical;
  arch::RunResult result;
  nlohmann::json parallel = nullptr;  // multi-device runs (sim/parallel/parallel_run.hpp)
  nlohmann::json train = nullptr;     // --train: sim/train_report.hpp's section; null otherwise
};

nlohmann::json to_json(const Report& report);
void write_json(std::ostream& out, const Report& report);
void write_csv(std::ostream& out, const Report& report);    // a row per layer, then a "TOTAL" row
void write_table(std::ostream& out, const Report& report);  // human-readable, per layer and totals

}  // namespace orrery::sim
