#pragma once
// `orrery simulate` as a library: its options (the one declaration of them, shared by the CLI
// and the Python module) and the run that turns them into a Report.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "arch/family.hpp"
#include "sim/report.hpp"
#include "sim/workload_source.hpp"

namespace orrery::sim::cli {

struct SimulateArgs {
  std::string arch_file;
  std::string ert_file;  // --ert: the loop-nest design's energy table (the config key `ert`)
  std::vector<std::string> sets;
  WorkloadArgs workload;
  std::string dtype;
  std::string mapper;
  std::string fidelity = "analytical";
  std::string resolved_out;
  std::string mapping_in;   // --mapping: evaluate this saved mapping instead of mapping
  std::string mapping_out;  // --save-mapping
  arch::MapOptions search;  // --objective, --search-time, --seed, --constraints
  std::string launch;       // --launch graph|eager: the GPU config key software.launch
  std::string parallel;     // --parallel dp=,tp=,pp=,microbatches=,... (sim/parallel)
  std::string timeline;     // --timeline FILE: Chrome trace of the parallel step
  bool train = false;       // --train: one training step of the workload
  std::string optimizer, optimizer_impl, recompute, precision;  // empty: not given
};

// Declares every option of a simulation on `app` (all but the report's --format and --out).
void add_simulate_options(CLI::App& app, SimulateArgs& args);

// Loads, maps and runs; writes --save-mapping and --resolved-config. Throws InputError on bad
// input (the CLI's one line), SimulationError on an internal fault.
Report run_simulation(const SimulateArgs& args);

}  // namespace orrery::sim::cli
