#include "arch/systolic/pe/gemm_runner.hpp"

#include <algorithm>

#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::arch::systolic::pe {

namespace {

int64_t stream_length(Dataflow dataflow, int64_t m, int64_t n, int64_t k) {
  switch (dataflow) {
    case Dataflow::os:
      return k;
    case Dataflow::ws:
      return m;
    case Dataflow::is:
      return n;
  }
  throw SimulationError("PE model: unknown dataflow");
}

}  // namespace

std::vector<FoldTile> gemm_fold_tiles(Dataflow dataflow, ArrayDims dims, int64_t m, int64_t n, int64_t k) {
  if (m < 1 || n < 1 || k < 1) throw SimulationError("PE model: empty GEMM");
  const int64_t along_rows = dataflow == Dataflow::os ? m : k;
  const int64_t along_cols = dataflow == Dataflow::is ? m : n;
  const int64_t row_folds = ceil_div(along_rows, dims.rows);
  const int64_t col_folds = ceil_div(along_cols, dims.cols);
  auto tile = [&](int64_t fr, int64_t fc) {
    const int64_t r0 = fr * dims.rows, c0 = fc * dims.cols;
    return FoldTile{r0, c0, std::min<int64_t>(dims.rows, along_rows - r0),
                    std::min<int64_t>(dims.cols, along_cols - c0)};
  };
  std::vector<FoldTile> tiles;
  if (dataflow == Dataflow::os) {
    for (int64_t fr = 0; fr < row_folds; ++fr)
      for (int64_t fc = 0; fc < col_folds; ++fc) tiles.push_back(tile(fr, fc));
  } else {
    for (int64_t fc = 0; fc < col_folds; ++fc)
      for (int64_t fr = 0; fr < row_folds; ++fr) tiles.push_back(tile(fr, fc));
  }
  return tiles;
}

std::vector<int64_t> fold_stream_starts(Dataflow dataflow, ArrayDims dims, int64_t m, int64_t n, int64_t k,
                                        FoldSchedule schedule) {
  const auto tiles = gemm_fold_tiles(dataflow, dims, m, n, k);
  const bool os = dataflow == Dataflow::os;
  const int64_t r = dims.rows, c = dims.cols, t = stream_length(dataflow, m, n, k);
  auto load = [&](const FoldTile& f) { return os ? int64_t{0} : f.rows; };
  std::vector<int64_t> starts;
  if (schedule == FoldSchedule::back_to_back) {
    const int64_t per_fold = os ? k + r + c - 2 : 2 * r + c + t - 2;
    for (size_t f = 0; f < tiles.size(); ++f) {
      starts.push_back(static_cast<int64_t>(f) * per_fold + load(tiles[0]));
    }
    return starts;
  }
  auto drain = [&](const FoldTile& f) { return os ? f.rows : int64_t{0}; };
  starts.push_back(load(tiles[0]));
  for (size_t f = 1; f < tiles.size(); ++f) {
    starts.push_back(starts.back() + std::max({t, load(tiles[f]), drain(tiles[f - 1])}));
  }
  return starts;
}

template <class In>
Plan<In> make_gemm_plan(const Mat<In>& a, const Mat<In>& b, ArrayDims dims, Dataflow dataflow,
                        FoldSchedule schedule) {
  const int64_t m = a.rows(), k = a.cols(), n = b.cols();
  if (b.rows() != k || m < 1 || n < 1 || k < 1) {
    throw SimulationError("PE model: GEMM operands do not agree");
  }
  const auto tiles = gemm_fold_tiles(dataflow, dims, m, n, k);
  const auto starts = fold_stream_starts(dataflow, dims, m, n, k, schedule);
  Plan<In> plan;
  plan.mode = dataflow == Dataflow::os ? PeMode::output_stationary : PeMode::stationary;
  plan.result_rows = m;
  plan.result_cols = n;
  for (size_t f = 0; f < tiles.size(); ++f) {
    const FoldTile& t = tiles[f];
    const auto fold = static_cast<int32_t>(f);
    switch (dataflow) {
      case Dataflow::os:  // rows <- M, cols <- N
        emit_output_stationary_fold<In>(plan, dims, fold, starts[f], a.block(t.row0, 0, t.rows, k),
                                        b.block(0, t.col0, k, t.cols), t.row0, t.col0);
        break;
      case Dataflow::ws:  // rows <- K, cols <- N; stationary B, stream rows of A
        emit_stationary_fold<In>(plan, dims, fold, starts[f], b.block(t.row0, t.col0, t.rows, t.cols),
                                 a.block(0, t.row0, m, t.rows).transpose(), {false, t.col0});
        break;
      case Dataflow::is:  // rows <- K, cols <- M; stationary A^T, stream columns of B
        emit_stationary_fold<In>(plan, dims, fold, starts[f],
                                 a.block(t.col0, t.row0, t.cols, t.rows).transpose(),
                                 b.block(t.row0, 0, t.rows, n), {true, t.col0});
        break;
    }
  }
  finalize_plan(plan);
  return plan;
}

template Plan<int8_t> make_gemm_plan<int8_t>(const Mat<int8_t>&, const Mat<int8_t>&, ArrayDims, Dataflow,
                                             FoldSchedule);
template Plan<float> make_gemm_plan<float>(const Mat<float>&, const Mat<float>&, ArrayDims, Dataflow,
                                           FoldSchedule);

}  // namespace orrery::arch::systolic::pe
