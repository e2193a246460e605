#include "sim/parallel/parallel_command.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::sim::parallel {

ParallelRun prepare_parallel(const std::string& parallel, const std::string& timeline, WorkloadArgs& w,
                             bool mapping_files) {
  if (parallel.empty()) throw UsageError(fmt::format("--timeline {}: needs --parallel", timeline));
  if (mapping_files)
    throw UsageError(
        "--parallel: not supported yet with --mapping/--save-mapping (the per-device graph is mapped anew)");
  ParallelRun r;
  r.strategy = parse_strategy(parallel);
  r.global_batch = w.batch;
  const int64_t split = r.strategy.dp * r.strategy.microbatches;
  if (w.batch <= 0 || w.batch % split != 0)
    throw UsageError(
        fmt::format("--batch {}: the global batch must divide into dp x microbatches = {} x {} = {}", w.batch,
                    r.strategy.dp, r.strategy.microbatches, split));
  w.batch /= split;
  return r;
}

}  // namespace orrery::sim::parallel
