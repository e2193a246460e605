#pragma once
// `orrery sweep` as a library: its options (declared once, shared by the CLI and the Python
// module) and the run settings they give.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "sim/sweep/runner.hpp"

namespace orrery::sim::cli {

struct SweepArgs {
  std::string spec;
  int jobs = 0;
  std::string db;
  bool resume = false;
  std::string plot;
  std::string shard;
  std::string merge_out;
  std::vector<std::string> merge_in;
};

// Declares the sweep's positional SPEC and its options (--jobs, --db, --resume, --plot, --shard).
void add_sweep_options(CLI::App& app, SweepArgs& args);

// The run settings of the options (checked: --jobs >= 0, --shard i/n); db_path is left to the
// caller (it depends on the spec).
sweep::RunSettings run_settings(const SweepArgs& args);

}  // namespace orrery::sim::cli
