#pragma once
// The sweep coordinator: opens the database, works out which tasks are missing (all of them,
// or with --resume those without a row), keeps a Backend's slots busy, writes each finished
// batch as one transaction, then prints and saves the Pareto front and the plots.
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "sim/sweep/backend.hpp"
#include "sim/sweep/evaluator.hpp"

namespace orrery::sim::sweep {

struct Shard {
  uint64_t index = 0, count = 1;  // this run takes the points with point % count == index
};
Shard parse_shard(const std::string& text);  // "i/n", 0 <= i < n; throws UsageError

struct RunSettings {
  std::string db_path;
  int jobs = 0;  // worker processes; 0 = the number of cores
  bool resume = false;
  Shard shard;
  std::string plot_dir;
  bool terminal = false;  // draw a progress bar (else periodic lines)
  double progress_interval_s = 5.0;
};

struct RunSummary {
  uint64_t tasks = 0;         // tasks of this shard
  uint64_t already_done = 0;  // found in the database
  uint64_t ran = 0;           // results written by this run
  bool interrupted = false;
  double seconds = 0;
};

// Makes the backend once the coordinator knows it has work; nullptr = the local process pool.
using BackendFactory = std::function<std::unique_ptr<Backend>(const Evaluator&, int interrupt_fd)>;

RunSummary run_sweep(const Evaluator& evaluator, const RunSettings& settings, std::ostream& out,
                     std::ostream& progress_out, const BackendFactory& make_backend = nullptr);

// The default --db for a spec: "<spec name>.sqlite" in the current directory.
std::string default_db_path(const SweepSpec& spec);

}  // namespace orrery::sim::sweep
