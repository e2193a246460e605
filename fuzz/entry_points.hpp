#pragma once
// The parsers that read what users give orrery, each behind one function taking raw bytes: the
// libFuzzer harnesses in fuzz/ call them, and tests/fuzz_regressions replays the inputs that
// once broke them. Each function calls the entry point the command line uses for that input,
// with the bytes as the file or string. Bad input must end in an InputError (ConfigError,
// WorkloadError, UsageError, MappingError); anything else escaping is a finding.
//
// Four groups, one library each, so that a harness links only the layers its parser needs:
// workloads (entry_workloads.cpp), Timeloop/Accelergy readers (entry_loopnest.cpp), measured
// CSVs (entry_validate.cpp), and what needs the architecture registry or the simulator
// (entry_sim.cpp).
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace orrery::fuzz {

struct EntryPoint {
  std::string name;  // also the harness (fuzz_<name>) and its corpus folder (fuzz/corpus/<name>)
  std::string doc;
  void (*parse)(std::string_view data);
};

const std::vector<EntryPoint>& workload_entry_points();  // op, model, onnx, topology
const std::vector<EntryPoint>& loopnest_entry_points();  // timeloop_problem/arch/mapping, ert
const std::vector<EntryPoint>& validate_entry_points();  // measurements
const std::vector<EntryPoint>& sim_entry_points();       // config, set, sweep, mapping_file

// All of them (links all four groups).
std::vector<EntryPoint> entry_points();

// Throws std::out_of_range for an unknown name (a programming error in a harness or test).
inline const EntryPoint& find_entry_point(const std::vector<EntryPoint>& group, std::string_view name) {
  for (const auto& e : group)
    if (e.name == name) return e;
  throw std::out_of_range("fuzz: no entry point '" + std::string(name) + "'");
}

}  // namespace orrery::fuzz
