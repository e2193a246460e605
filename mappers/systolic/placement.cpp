#include "mappers/systolic/placement.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/checked_math.hpp"

namespace orrery::mappers::systolic {
namespace {

__extension__ typedef __int128 Int128;  // products of two int64 sizes

using arch::systolic::SystolicSpec;

// Bytes of `total` that belong to the first `part` of `extent` equal slices (rounded up).
int64_t share(int64_t total, int64_t part, int64_t extent) {
  return static_cast<int64_t>((static_cast<Int128>(total) * part + extent - 1) / extent);
}

// What must fit for each residency flag depends on which fold loop is inner: the operand reused
// across the inner loop needs only its slice, the one reused across the outer loop all of it.
std::optional<std::string> place_pass(const GemmShape& shape, const SystolicSpec& s, const SystolicMapping& m,
                                      FoldOrder order, GemmPass& p) {
  const int64_t ib = s.input_bytes, ob = s.output_bytes, ab = s.accumulator_bytes;
  p.what = shape.what;
  p.count = shape.count;
  p.dims = shape.dims;
  p.order = order;
  p.ifmap_bytes = shape.ifmap_bytes;
  p.filter_bytes = shape.filter_bytes;
  p.extra_read_bytes = shape.extra_read_bytes;
  p.ofmap_bytes = shape.ofmap_bytes;
  p.grid = arch::systolic::fold_grid(m.dataflow, p.dims, s.rows, s.cols);
  const auto axes = arch::systolic::array_axes(m.dataflow, p.dims);
  const int64_t r = std::min(s.rows, axes.along_rows);
  const int64_t c = std::min(s.cols, axes.along_cols);
  const bool rows_inner = order == FoldOrder::rows_inner;
  const GemmDims& g = p.dims;
  switch (m.dataflow) {
    case Dataflow::ws:
    case Dataflow::is: {
      // ws: stationary filter tile, streamed ifmap K-slices; is: the roles swapped (T = N).
      const bool ws = m.dataflow == Dataflow::ws;
      const int64_t streamed = ws ? g.m : g.n;
      const int64_t stationary_tile = r * c * ib;
      const int64_t stationary_half = ws ? m.half_filter_bytes : m.half_ifmap_bytes;
      const int64_t streamed_total = ws ? p.ifmap_bytes : p.filter_bytes;
      const int64_t streamed_half = ws ? m.half_ifmap_bytes : m.half_filter_bytes;
      (ws ? p.filter_tile_bytes : p.ifmap_tile_bytes) = stationary_tile;
      (ws ? p.ifmap_tile_bytes : p.filter_tile_bytes) = checked_mul(streamed, r * ib, "tile");
      // rows_inner: the partial sums of one column fold; cols_inner: of every column fold.
      p.ofmap_tile_bytes = checked_mul(streamed, (rows_inner ? c : axes.along_cols) * ab, "tile");
      if (stationary_tile > stationary_half)
        return fmt::format("{}: a {}x{} {} tile needs {} B, {} SRAM half holds {} B", to_string(m.dataflow),
                           r, c, ws ? "filter" : "ifmap", stationary_tile, ws ? "a filter" : "an ifmap",
                           stationary_half);
      const bool resident =
          (rows_inner ? streamed_total : share(streamed_total, r, axes.along_rows)) <= streamed_half;
      (ws ? p.ifmap_resident : p.filter_resident) = resident;
      p.psums_on_chip = p.grid.row_folds == 1 || p.ofmap_tile_bytes <= m.half_ofmap_bytes;
      break;
    }
    case Dataflow::os:
      p.ofmap_tile_bytes = r * c * ob;  // the finished outputs of one fold
      p.ifmap_tile_bytes = checked_mul(r, g.k * ib, "tile");
      p.filter_tile_bytes = checked_mul(c, g.k * ib, "tile");
      if (p.ofmap_tile_bytes > m.half_ofmap_bytes)
        return fmt::format("os: a {}x{} output tile needs {} B, an ofmap SRAM half holds {} B", r, c,
                           p.ofmap_tile_bytes, m.half_ofmap_bytes);
      // cols_inner: an M-slice is reused across the column folds, the filter across row folds;
      // rows_inner: an N-slice across the row folds, the ifmap across column folds.
      p.ifmap_resident = (rows_inner ? p.ifmap_bytes : share(p.ifmap_bytes, r, g.m)) <= m.half_ifmap_bytes;
      p.filter_resident =
          (rows_inner ? share(p.filter_bytes, c, g.n) : p.filter_bytes) <= m.half_filter_bytes;
      p.psums_on_chip = true;  // sums accumulate inside the PEs
      break;
  }
  return std::nullopt;
}

}  // namespace

MappingResult place(const std::string& op_name, const Lowering& low, const SystolicSpec& s, Dataflow dataflow,
                    std::span<const FoldOrder> orders, const std::string& mapper) {
  SystolicMapping m;
  m.mapper = mapper;
  m.dataflow = dataflow;
  m.timing = s.timing;
  m.rows = s.rows;
  m.cols = s.cols;
  const int64_t halves = s.double_buffered ? 2 : 1;
  m.half_ifmap_bytes = s.ifmap_sram_bytes / halves;
  m.half_filter_bytes = s.filter_sram_bytes / halves;
  m.half_ofmap_bytes = s.ofmap_sram_bytes / halves;
  m.memory = low.memory;
  m.compulsory_read_bytes = low.compulsory_read_bytes;
  m.compulsory_write_bytes = low.compulsory_write_bytes;
  m.notes = low.notes;
  for (size_t i = 0; i < low.gemms.size(); ++i) {
    const auto& shape = low.gemms[i];
    const FoldOrder order = orders.empty() ? arch::systolic::default_fold_order(dataflow) : orders[i];
    GemmPass p;
    if (auto why = place_pass(shape, s, m, order, p)) return Infeasible{op_name + ": " + *why};
    if (!p.psums_on_chip)
      m.notes.push_back(fmt::format(
          "{}: partial sums of {} ({} B) exceed an ofmap SRAM half ({} B): spilled to DRAM at {} B "
          "per sum",
          p.what, order == FoldOrder::rows_inner ? "a column fold" : "all column folds", p.ofmap_tile_bytes,
          m.half_ofmap_bytes, s.accumulator_bytes));
    m.gemms.push_back(std::move(p));
  }
  return m;
}

}  // namespace orrery::mappers::systolic
