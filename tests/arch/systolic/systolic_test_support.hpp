#pragma once
// Builds systolic configs and runs ops through the family, for the systolic tests.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "arch/registry.hpp"
#include "arch/systolic/spec.hpp"
#include "workloads/op_spec.hpp"

namespace orrery::test {

// A small config: rows x cols array, the given dataflow/timing, generous SRAM, 1-byte words,
// energies 1 pJ per MAC, 2 pJ per SRAM byte, 100 pJ per DRAM byte, no leakage.
inline std::string systolic_yaml(int rows, int cols, const std::string& dataflow, const std::string& timing,
                                 double bandwidth = 1e9, int latency = 0, int sram_kb = 1024) {
  return fmt::format(R"(name: test_{0}x{1}
family: systolic
array: {{rows: {0}, cols: {1}}}
dataflow: {2}
timing: {3}
sram: {{ifmap_kb: {6}, filter_kb: {6}, ofmap_kb: {6}, banks: 1, double_buffered: true}}
dram: {{bandwidth_bytes_per_cycle: {4}, latency_cycles: {5}}}
clock: {{frequency_mhz: 1000}}
data: {{input_bytes: 1, output_bytes: 1, accumulator_bytes: 4}}
energy: {{mac_pj: 1, sram_pj_per_byte: 2, dram_pj_per_byte: 100, leakage_w: 0}}
)",
                     rows, cols, dataflow, timing, bandwidth, latency, sram_kb);
}

inline config::Resolved systolic_config(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  std::vector<config::Override> overrides;
  for (const auto& s : sets) overrides.push_back(config::parse_override(s));
  return arch::load_arch_text(yaml, "test.yaml", overrides);
}

inline arch::RunResult run_systolic(const config::Resolved& cfg, const workloads::Graph& graph,
                                    arch::Fidelity fidelity = arch::Fidelity::analytical) {
  return arch::find_family("systolic")->simulate(cfg, graph, {"", fidelity, 1});
}

inline arch::RunResult run_op(const config::Resolved& cfg, const std::string& op_spec,
                              arch::Fidelity fidelity = arch::Fidelity::analytical) {
  return run_systolic(cfg, workloads::parse_op_spec(op_spec), fidelity);
}

}  // namespace orrery::test
