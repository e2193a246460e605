#include "arch/systolic/fold_work.hpp"

namespace orrery::arch::systolic {
namespace {

__extension__ typedef __int128 Int128;  // products of two int64 sizes

// Bytes of `total` spread evenly over `extent` units that fall in [begin, end).
int64_t slice(int64_t total, int64_t begin, int64_t end, int64_t extent) {
  const auto at = [&](int64_t x) { return static_cast<int64_t>(static_cast<Int128>(total) * x / extent); };
  return at(end) - at(begin);
}

}  // namespace

FoldWork fold_work(const mappers::systolic::GemmPass& p, Dataflow df, const SystolicSpec& s, int64_t index) {
  const FoldGrid& g = p.grid;
  const FoldIndex at = fold_at(p.order, g, index);
  const int64_t r = rows_used(g, s.rows, at.row_fold), c = cols_used(g, s.cols, at.col_fold);
  const int64_t rb = at.row_fold * s.rows, cb = at.col_fold * s.cols;  // first row/col index
  const int64_t ib = s.input_bytes, ob = s.output_bytes, ab = s.accumulator_bytes;
  const ArrayAxes ax = array_axes(df, p.dims);
  const bool first_row_fold = at.row_fold == 0, last_row_fold = at.row_fold == g.row_folds - 1;
  const bool first_col_fold = at.col_fold == 0;
  FoldWork w;
  w.phases = fold_phases(df, r, c, g.stream, s.rows);
  w.rows_used = r;
  w.cols_used = c;
  int64_t operand_reads = 0;  // SRAM -> array
  int64_t psum_updates = 0;   // accumulator writes into the ofmap buffer
  if (df == Dataflow::os) {
    if (first_col_fold || !p.ifmap_resident)
      w.dram_read_bytes += slice(p.ifmap_bytes, rb, rb + r, ax.along_rows);
    if (first_row_fold || !p.filter_resident)
      w.dram_read_bytes += slice(p.filter_bytes, cb, cb + c, ax.along_cols);
    w.dram_write_bytes = r * c * ob;
    operand_reads = (r + c) * g.stream * ib;
    psum_updates = r * c * ob;
  } else {
    // ws: stationary filter tile, streamed ifmap; is: stationary ifmap tile, streamed filter.
    const bool ws = df == Dataflow::ws;
    const int64_t stationary_total = ws ? p.filter_bytes : p.ifmap_bytes;
    const int64_t streamed_total = ws ? p.ifmap_bytes : p.filter_bytes;
    const bool streamed_resident = ws ? p.ifmap_resident : p.filter_resident;
    // The stationary operand is read once, in fold order: its share is the fold's area, after
    // the area of the folds visited before it.
    const int64_t area = ax.along_rows * ax.along_cols;
    const int64_t before =
        p.order == FoldOrder::rows_inner ? cb * ax.along_rows + c * rb : rb * ax.along_cols + r * cb;
    w.dram_read_bytes += slice(stationary_total, before, before + r * c, area);
    if (first_col_fold || !streamed_resident)
      w.dram_read_bytes += slice(streamed_total, rb, rb + r, ax.along_rows);
    const int64_t sums = g.stream * c;  // partial sums of this column fold
    if (!p.psums_on_chip && !first_row_fold) w.dram_read_bytes += sums * ab;
    if (last_row_fold)
      w.dram_write_bytes = sums * ob;
    else if (!p.psums_on_chip)
      w.dram_write_bytes = sums * ab;
    operand_reads = (r * c + g.stream * r) * ib + (first_row_fold ? 0 : sums * ab);
    psum_updates = sums * (last_row_fold ? ob : ab);
  }
  if (index == 0) w.dram_read_bytes += p.extra_read_bytes;
  w.sram_write_bytes = w.dram_read_bytes + psum_updates;
  w.sram_read_bytes = operand_reads + w.dram_write_bytes;
  return w;
}

}  // namespace orrery::arch::systolic
