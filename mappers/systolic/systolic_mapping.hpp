#pragma once
// What the systolic models need to time one op: the op lowered to GEMM passes (each a GEMM shape
// run `count` times back to back, cut into folds), or a memory-bound pass for ops with no MACs.
// Made by a mapper from (op, SystolicSpec); serializes to JSON for reports.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "arch/systolic/fold_timing.hpp"
#include "arch/systolic/spec.hpp"
#include "mappers/mapping.hpp"

namespace orrery::mappers::systolic {

using arch::systolic::Dataflow;
using arch::systolic::FoldGrid;
using arch::systolic::FoldOrder;
using arch::systolic::GemmDims;
using arch::systolic::Timing;

// One GEMM shape of an op, run `count` times (conv groups x separate batches, attention heads).
// Instances share no operand. Bytes are per instance, in the array's word widths.
struct GemmPass {
  std::string what;  // "gemm", "conv (im2col)", "attention QK^T", "attention AV"
  int64_t count = 1;
  GemmDims dims;
  FoldGrid grid;  // folds of one instance along the array rows / cols
  // Which fold loop is inner (fixed mapper: default_fold_order of the dataflow; the search mapper
  // may pick the other). It decides what must fit on chip for the residency flags below.
  FoldOrder order = FoldOrder::rows_inner;
  // DRAM-side operand sizes of one instance: the raw ifmap (not the im2col matrix), the filter
  // (K x N words), extra parameters read once (bias), and the output.
  int64_t ifmap_bytes = 0, filter_bytes = 0, extra_read_bytes = 0, ofmap_bytes = 0;
  // What stays in the SRAM halves (decided by the mapper from the buffer sizes and the order):
  //   ifmap_resident: ws: the ifmap K-slice is not re-read for the next col fold (rows_inner: the
  //     whole ifmap fits, cols_inner: one K-slice fits); os: an M-slice is not re-read for the
  //     next col fold (cols_inner: the slice fits, rows_inner: the whole ifmap fits).
  //   filter_resident: is: as ws's ifmap with the roles swapped; os: an N-slice is not re-read
  //     for the next row fold (rows_inner: the slice fits, cols_inner: the whole filter fits).
  //   psums_on_chip: ws/is partial sums between row folds stay in the ofmap buffer (rows_inner:
  //     one col fold's sums fit, cols_inner: every col fold's sums fit).
  bool ifmap_resident = false;
  bool filter_resident = false;
  bool psums_on_chip = true;
  // Tile sizes (bytes) of one fold in each buffer half, for the report and the SRAM checks.
  int64_t ifmap_tile_bytes = 0, filter_tile_bytes = 0, ofmap_tile_bytes = 0;
  int64_t array_macs() const { return count * dims.m * dims.n * dims.k; }
};

// An op with no MACs: streamed through the chip once, bound by DRAM bandwidth.
struct MemoryPass {
  int64_t read_bytes = 0, write_bytes = 0;
  std::string reason;
};

struct SystolicMapping {
  std::string mapper = "fixed";
  Dataflow dataflow = Dataflow::ws;
  Timing timing = Timing::exact;
  int64_t rows = 1, cols = 1;
  std::vector<GemmPass> gemms;       // empty for a memory pass
  std::optional<MemoryPass> memory;  // set for ops the array does not run
  // DRAM bytes every correct schedule moves at least: each input/weight read once, each output
  // written once (the op's tensors in the array's word widths).
  int64_t compulsory_read_bytes = 0, compulsory_write_bytes = 0;
  int64_t half_ifmap_bytes = 0, half_filter_bytes = 0, half_ofmap_bytes = 0;
  std::vector<std::string> notes;

  nlohmann::json to_json() const;
  // The inverse of to_json for a mapping applied to `spec`: the array must be the spec's size
  // (the folds depend on it); the fold grids are derived again from each GEMM's dims. Throws
  // MappingError naming the key.
  static SystolicMapping from_json(const nlohmann::json& j, const arch::systolic::SystolicSpec& spec);
};

using MappingResult = std::variant<SystolicMapping, Infeasible>;

}  // namespace orrery::mappers::systolic
