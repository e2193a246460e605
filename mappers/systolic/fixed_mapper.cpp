#include "mappers/systolic/fixed_mapper.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/checked_math.hpp"
#include "mappers/systolic/lowering.hpp"

namespace orrery::mappers::systolic {
namespace {

__extension__ typedef __int128 Int128;  // products of two int64 sizes

using arch::systolic::SystolicSpec;

// Bytes of `total` that belong to the first `part` of `extent` equal slices (rounded up).
int64_t share(int64_t total, int64_t part, int64_t extent) {
  return static_cast<int64_t>((static_cast<Int128>(total) * part + extent - 1) / extent);
}

std::optional<std::string> place(const GemmShape& shape, const SystolicSpec& s, const SystolicMapping& m,
                                 GemmPass& p) {
  const int64_t ib = s.input_bytes, ob = s.output_bytes, ab = s.accumulator_bytes;
  p.what = shape.what;
  p.count = shape.count;
  p.dims = shape.dims;
  p.ifmap_bytes = shape.ifmap_bytes;
  p.filter_bytes = shape.filter_bytes;
  p.extra_read_bytes = shape.extra_read_bytes;
  p.ofmap_bytes = shape.ofmap_bytes;
  p.grid = arch::systolic::fold_grid(m.dataflow, p.dims, s.rows, s.cols);
  const int64_t r = std::min(s.rows, arch::systolic::array_axes(m.dataflow, p.dims).along_rows);
  const int64_t c = std::min(s.cols, arch::systolic::array_axes(m.dataflow, p.dims).along_cols);
  const GemmDims& g = p.dims;
  switch (m.dataflow) {
    case Dataflow::ws:
      p.filter_tile_bytes = r * c * ib;                       // stationary
      p.ifmap_tile_bytes = checked_mul(g.m, r * ib, "tile");  // streamed im2col rows of one K slice
      p.ofmap_tile_bytes = checked_mul(g.m, c * ab, "tile");  // partial sums of one column fold
      if (p.filter_tile_bytes > m.half_filter_bytes)
        return fmt::format("ws: a {}x{} filter tile needs {} B, a filter SRAM half holds {} B", r, c,
                           p.filter_tile_bytes, m.half_filter_bytes);
      p.ifmap_resident = p.ifmap_bytes <= m.half_ifmap_bytes;
      p.psums_on_chip = p.grid.row_folds == 1 || p.ofmap_tile_bytes <= m.half_ofmap_bytes;
      break;
    case Dataflow::is:
      p.ifmap_tile_bytes = r * c * ib;                         // stationary
      p.filter_tile_bytes = checked_mul(g.n, r * ib, "tile");  // streamed filter rows of one K slice
      p.ofmap_tile_bytes = checked_mul(g.n, c * ab, "tile");
      if (p.ifmap_tile_bytes > m.half_ifmap_bytes)
        return fmt::format("is: a {}x{} ifmap tile needs {} B, an ifmap SRAM half holds {} B", r, c,
                           p.ifmap_tile_bytes, m.half_ifmap_bytes);
      p.filter_resident = p.filter_bytes <= m.half_filter_bytes;
      p.psums_on_chip = p.grid.row_folds == 1 || p.ofmap_tile_bytes <= m.half_ofmap_bytes;
      break;
    case Dataflow::os:
      p.ofmap_tile_bytes = r * c * ob;  // the finished outputs of one fold
      p.ifmap_tile_bytes = checked_mul(r, g.k * ib, "tile");
      p.filter_tile_bytes = checked_mul(c, g.k * ib, "tile");
      if (p.ofmap_tile_bytes > m.half_ofmap_bytes)
        return fmt::format("os: a {}x{} output tile needs {} B, an ofmap SRAM half holds {} B", r, c,
                           p.ofmap_tile_bytes, m.half_ofmap_bytes);
      p.ifmap_resident = share(p.ifmap_bytes, r, g.m) <= m.half_ifmap_bytes;
      p.filter_resident = p.filter_bytes <= m.half_filter_bytes;
      p.psums_on_chip = true;  // sums accumulate inside the PEs
      break;
  }
  return std::nullopt;
}

}  // namespace

MappingResult map_fixed(const workloads::Op& op, const SystolicSpec& s) {
  SystolicMapping m;
  m.dataflow = s.dataflow;
  m.timing = s.timing;
  m.rows = s.rows;
  m.cols = s.cols;
  const int64_t halves = s.double_buffered ? 2 : 1;
  m.half_ifmap_bytes = s.ifmap_sram_bytes / halves;
  m.half_filter_bytes = s.filter_sram_bytes / halves;
  m.half_ofmap_bytes = s.ofmap_sram_bytes / halves;

  Lowering low = lower(op, s);
  m.memory = low.memory;
  m.compulsory_read_bytes = low.compulsory_read_bytes;
  m.compulsory_write_bytes = low.compulsory_write_bytes;
  m.notes = std::move(low.notes);
  for (const auto& shape : low.gemms) {
    GemmPass p;
    if (auto why = place(shape, s, m, p)) return Infeasible{op.name + ": " + *why};
    if (!p.psums_on_chip)
      m.notes.push_back(
          fmt::format("{}: partial sums of a column fold ({} B) exceed an ofmap SRAM half ({} B): "
                      "spilled to DRAM at {} B per sum",
                      p.what, p.ofmap_tile_bytes, m.half_ofmap_bytes, s.accumulator_bytes));
    m.gemms.push_back(std::move(p));
  }
  return m;
}

}  // namespace orrery::mappers::systolic
