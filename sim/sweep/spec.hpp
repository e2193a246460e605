#pragma once
// A sweep spec (configs/sweeps/*.yaml), parsed and validated against the base config's schema.
// Every problem is reported as "FILE:LINE:COL: key: expected ..., got ..." in one ConfigError.
//
//   name: systolic_quick
//   base: ../systolic/edge_32x32.yaml        # relative to the spec file
//   axes:
//     array.rows,array.cols: [16, 32, 64]    # several keys set to the same value
//     dataflow: [ws, os, is]
//     sram.ifmap_kb: {log: [32, 512, 5]}     # or {linear: [lo, hi, n]}
//   workloads:
//     - op: gemm:M=64,N=64,K=64              # or model: NAME[:k=v], onnx: FILE, topology: FILE
//       batch: 1                             # optional, with dtype:
//   mappers: [fixed, search]                 # each a mapper of the family, or default
//   search: {objective: edp, time_s: 0, seed: 1}
//                                            # optional: what a mapper named `search` minimizes
//                                            # (edp|energy|delay), its wall-clock budget per point
//                                            # (0: its own stopping rule) and its seed; part of
//                                            # the search rows' result keys
//   fidelity: analytical
//   objectives: {seconds: min, energy_j: min, area_mm2: min}
//   constraints: {fits: true, power_w: {max: 5}}
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arch/family.hpp"
#include "common/config/resolved.hpp"
#include "sim/sweep/metric.hpp"
#include "sim/workload_source.hpp"

namespace orrery::sim::sweep {

struct Axis {
  std::vector<std::string> keys;    // dotted config keys, all set to the same value
  std::vector<std::string> values;  // canonical text, each valid for every key
  std::string origin;               // FILE:LINE:COL of the axis key in the spec
  std::string label() const;        // keys joined by ','
  // The value as a number for plots, or nullopt for choices/booleans.
  std::optional<double> numeric(size_t index) const;
};

struct WorkloadItem {
  std::string label;  // e.g. "op:gemm:M=64,N=64,K=64"
  WorkloadArgs args;  // paths already resolved relative to the spec file
  std::string origin;
};

struct Objective {
  Metric metric;
  Goal goal;
};

// How a mapper named `search` searches at every point (RunOptions objective, search_time_s, seed).
struct SearchSettings {
  std::string objective = "edp";  // edp|energy|delay
  double time_s = 0;
  uint64_t seed = 1;
  std::string text() const;  // "objective=edp,time_s=0,seed=1", for result keys
};

struct Constraint {
  Metric metric;
  std::optional<double> min, max;
};

struct SweepSpec {
  std::string file, name, description;
  std::string base_file;
  std::optional<config::Resolved> base;  // always set after parsing
  std::vector<Axis> axes;
  std::vector<WorkloadItem> workloads;
  std::vector<std::string> mappers;  // "" = the family's default mapper
  SearchSettings search;             // `search:` (defaults when absent)
  arch::Fidelity fidelity = arch::Fidelity::analytical;
  std::vector<Objective> objectives;
  std::vector<Constraint> constraints;
  bool require_fits = true;  // points whose config or mapping fails never enter the front

  // What is simulated, not how it is judged: base config, axes, workloads, mappers, the search
  // settings (when a mapper is `search`), fidelity and the orrery version. Objectives and constraints may
  // change without invalidating results.
  std::string identity_hash() const;
  std::string identity_text() const;
};

// How the spec reaches the rest of orrery; tests substitute a fake family.
struct SpecEnv {
  std::function<config::Resolved(const std::string& path)> load_base;
  std::function<const arch::Family*(const std::string& family)> find_family;
};
SpecEnv registry_env();  // arch::load_arch and arch::find_family

SweepSpec parse_spec_text(const std::string& text, const std::string& display_name,
                          const std::string& base_dir, const SpecEnv& env);
SweepSpec load_spec(const std::string& path, const SpecEnv& env);

}  // namespace orrery::sim::sweep
