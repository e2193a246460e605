#pragma once
// `orrery validate`: simulates every measured row on a GPU config and scores the predictions.
#include <optional>
#include <string>
#include <vector>

#include "common/config/resolved.hpp"
#include "sim/validate/measurements.hpp"
#include "sim/validate/metrics.hpp"

namespace orrery::sim::validate {

struct RowResult {
  Measurement m;
  double predicted_us = 0;
  std::optional<double> predicted_energy_j;  // steady-state repetition (as the energy loop runs)
  std::optional<double> predicted_loop_us;   // time of one repetition in that loop
  double predicted_dram_bytes = 0;
  double output_bytes = 0;
  std::string predicted_kernel;
  std::optional<bool> tile_agrees;  // GEMM rows whose measured kernel name carries a tile
  std::string error;                // non-empty: the row could not be simulated
};

// Keeps rows of `split` ("all" keeps every row; rows without a split count as held-out).
std::vector<Measurement> select_split(const std::vector<Measurement>& rows, const std::string& split);

std::vector<RowResult> simulate_rows(const config::Resolved& cfg, const std::vector<Measurement>& rows);

struct KindAccuracy {
  std::string kind;
  Accuracy time;
};

struct Summary {
  std::vector<KindAccuracy> kinds;   // op kinds in order of first appearance
  std::vector<KindAccuracy> groups;  // leave-one-group-out units (rows with a group), sorted
  Accuracy kernels;                  // all op rows
  Accuracy models;                   // whole-model rows
  Accuracy energy;                   // rows with a measured energy
  Accuracy dram;                     // rows with ncu bytes whose output exceeds L2
  size_t tiles_compared = 0, tiles_agree = 0;
  size_t failed = 0;
  std::string first_failure;
};

Summary summarize(const std::vector<RowResult>& rows, double l2_bytes);

std::string format_summary(const Summary& s, const std::string& title);
std::string rows_csv(const std::vector<RowResult>& rows);

}  // namespace orrery::sim::validate
