#pragma once
// The command line's side of --parallel and --timeline: checks them against the other options
// and turns the global --batch into the microbatch the per-device graph is built at.
#include <cstdint>
#include <string>

#include "sim/parallel/parallel_run.hpp"
#include "sim/parallel/strategy.hpp"
#include "sim/parallel/timeline.hpp"
#include "sim/workload_source.hpp"

namespace orrery::sim::parallel {

struct ParallelRun {
  Strategy strategy;
  int64_t global_batch = 1;
};

// Sets w.batch to the microbatch size. Throws UsageError naming the argument.
ParallelRun prepare_parallel(const std::string& parallel, const std::string& timeline, WorkloadArgs& w,
                             bool mapping_files);

}  // namespace orrery::sim::parallel
