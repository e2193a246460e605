#pragma once
// Runs sweep tasks: applies a point's overrides to the base config (Resolved::with_overrides,
// no YAML re-read), runs the family's cross-field checks, simulates each workload and returns
// one ResultRow per task. Analytical tasks run in the calling process (optionally on TBB
// threads); each cycle-fidelity task runs in a freshly forked child, because the SystemC
// kernel elaborates once per process.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arch/family.hpp"
#include "sim/sweep/point_space.hpp"
#include "sim/sweep/result_row.hpp"
#include "sim/sweep/spec.hpp"
#include "workloads/graph.hpp"

namespace orrery::sim::sweep {

// Loads every workload of the spec; a bad one is a ConfigError at its FILE:LINE:COL.
std::vector<workloads::Graph> load_graphs(const SweepSpec& spec);

class Evaluator {
 public:
  Evaluator(const SweepSpec& spec, const arch::Family& family, std::vector<workloads::Graph> graphs);

  // Rows for `tasks`, in the same order. `threads` > 1 runs analytical tasks on that many TBB
  // threads, and up to that many cycle-fidelity children at once.
  std::vector<ResultRow> evaluate(std::span<const uint64_t> tasks, int threads = 1) const;

  // A failed row for `task` (its key filled in) without simulating: for a task whose worker
  // process died.
  ResultRow failed_row(uint64_t task, const std::string& reason) const;

  const PointSpace& space() const { return space_; }
  const SweepSpec& spec() const { return spec_; }

 private:
  std::vector<ResultRow> evaluate_serial(std::span<const uint64_t> tasks) const;
  std::vector<ResultRow> evaluate_forked(std::span<const uint64_t> tasks, int concurrency) const;
  ResultRow run_task(uint64_t task, const config::Resolved* cfg, const std::string& invalid_reason,
                     bool simulate = true) const;
  std::optional<config::Resolved> resolve(uint64_t point, std::string& invalid_reason) const;

  const SweepSpec& spec_;
  const arch::Family& family_;
  std::vector<workloads::Graph> graphs_;
  PointSpace space_;
  std::string default_mapper_;
};

}  // namespace orrery::sim::sweep
