#pragma once
// What one evaluation reports, with Timeloop's names and meanings (timeloop-model.stats.txt).
// Counts are per instance unless the name says total; energies in pJ.
#include <array>
#include <cstdint>

#include "arch/loopnest/limits.hpp"

namespace orrery::arch::loopnest {

struct DataSpaceLevelStats {
  bool kept = false;
  int64_t partition_size = 0;       // distinct points one instance sees over the whole run
  int64_t utilized_capacity = 0;    // the tile one instance holds at a time (words)
  int64_t utilized_instances = 0;   // instances that receive work
  int64_t utilized_clusters = 0;    // clusters (cluster_size > 1) holding utilized instances
  int64_t reads = 0;                // scalar reads (per instance)
  int64_t fills = 0;                // scalar writes of data from the parent (per instance)
  int64_t updates = 0;              // scalar partial-sum writes from below (per instance)
  int64_t temporal_reductions = 0;  // reads that feed a read-modify-write (per instance)
  // Children (next keeping level below, or MACs) served by one instance: `scatter_factor` of
  // them get distinct data, each datum going to `multicast_factor` of them at once (read-only),
  // or being reduced from that many (read-write; a spatial reduction).
  int64_t scatter_factor = 1;
  int64_t multicast_factor = 1;
  double read_words_per_cycle = 0.0;   // reads / cycles (per instance)
  double write_words_per_cycle = 0.0;  // (fills + updates) / cycles (per instance)
  double energy_pj_per_instance = 0.0;
  double energy_pj_total = 0.0;
};

struct LevelStats {
  std::array<DataSpaceLevelStats, kMaxDataSpaces> data_spaces{};
  int64_t cycles = 0;                 // cycles this level needs (>= the compute cycles)
  double bandwidth_throttling = 1.0;  // compute cycles / cycles (1 = keeps up)
  double leakage_energy_pj = 0.0;     // all instances
  double energy_pj = 0.0;             // all data spaces and leakage, all instances
};

struct LoopNestStats {
  int num_levels = 0;
  int num_data_spaces = 0;
  std::array<LevelStats, kMaxLevels> levels{};
  int64_t computes = 0;  // MACs in total
  int64_t utilized_mac_instances = 0;
  int64_t compute_cycles = 0;  // temporal iterations: cycles if no level throttles
  int64_t cycles = 0;
  double compute_energy_pj = 0.0;
  double energy_pj = 0.0;

  double utilization_fraction = 0.0;  // utilized MACs x compute cycles / (all MACs x cycles)
  double edp_joule_cycles() const { return energy_pj * 1e-12 * static_cast<double>(cycles); }
};

}  // namespace orrery::arch::loopnest
