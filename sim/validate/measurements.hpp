#pragma once
// Measured rows from validation/data/*.csv, read by header name (column order is free).
//   op rows:    spec,kind,dtype,device,median_us,...,energy_j,avg_power_w,...,kernel,
//               dram_read_bytes,dram_write_bytes,split
//   model rows: model,options,batch,dtype,median_us,...,device[,split]
// An optional `mapper` column names the GPU mapper that reproduces what ran (default: library
// for op rows, as the harness calls cuBLASLt/cuDNN itself; pytorch for model rows).
// Issue 15's sets (a `group` column: validation/data/random_ops_h100.csv) ran through PyTorch's
// defaults: their op rows default to the pytorch mapper and carry layout/backend in the spec; a
// row whose `status` is not "ok" (PyTorch refused it) is skipped.
// Empty cells are "not measured". A file without a `spec` or `model` column, a row with the
// wrong number of cells or a non-numeric number is a UsageError naming FILE:LINE.
#include <optional>
#include <string>
#include <vector>

namespace orrery::sim::validate {

struct Measurement {
  std::string source;  // FILE:LINE
  bool is_model = false;
  std::string spec;    // op rows: the --op spec; model rows: "model[:options]"
  std::string kind;    // op kind (gemm, conv2d, ...) or "model"
  std::string dtype;   // may be empty
  int64_t batch = 1;   // model rows
  std::string split;   // calibration | heldout | "" (unsplit)
  std::string group;   // leave-one-group-out unit (a `group` column: kind/shape family), may be empty
  std::string kernel;  // kernel name(s) the library ran, if recorded
  std::string mapper;  // GPU mapper that reproduces what ran: library (the harness) | pytorch
  // Config overrides (key=value) that say what software ran the row: a `backend` column sets
  // software.attention_backend; a `set` column adds its ';'-separated key=value pairs; files
  // without a `layout` or `set` column ran NHWC / channels-last (every set measured before the
  // software section existed: the harness calls cuDNN on NHWC, the models ran channels_last).
  std::vector<std::string> overrides;
  double median_us = 0;
  std::optional<double> energy_j, avg_power_w, dram_read_bytes, dram_write_bytes, sm_clock_mhz;
};

std::vector<Measurement> read_measurements(const std::string& path);

// Splits one CSV line into cells (RFC 4180 quoting: "a,b" and "" inside quotes).
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace orrery::sim::validate
