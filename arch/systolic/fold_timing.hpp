#pragma once
// Fold arithmetic of an R x C systolic array running one GEMM C[M,N] = A[M,K] * B[K,N]: how the
// GEMM is cut into folds, how long SCALE-Sim v2 says each fold takes, and how long it really
// takes when consecutive folds are pipelined. Plain C++ (no SystemC, no config): the analytical
// models, the SystemC array module and the PE-level register model all use these formulas.
//
// Which GEMM dimension lies along each array axis, and which one streams through it:
//   os (output stationary): rows <- M, cols <- N, streams K  (PE(i,j) accumulates C[i][j])
//   ws (weight stationary): rows <- K, cols <- N, streams M  (PE(i,j) holds B[i][j])
//   is (input stationary):  rows <- K, cols <- M, streams N  (PE(i,j) holds A^T[i][j])
//
// Exact pipelining model (timing: exact). A fold uses r <= R rows and c <= C cols (edge folds use
// fewer) and streams T vectors. Operand vector t enters array row i at cycle s + t + i (skewed),
// so PE(i,j) does its t-th MAC at cycle s + t + i + j, where s is the fold's stream start.
//   preload P: ws/is shift the stationary tile in from the top, one row per cycle: P = r cycles,
//              done before s. The PEs hold two stationary registers (TPU v1 style), so the next
//              fold's tile is shifted in while the current fold streams.
//   stream  T: ws: M, is: N, os: K cycles at the array edge.
//   skew    R + c - 2: results leave the array only at its bottom edge, so whatever rows a
//              fold uses, they cross all R rows: ws/is partial sums of a fold using r < R rows
//              (the tile sits in the top r rows) pass the R - r unused rows below it; in os the
//              tile sits in the bottom r rows and the B operands cross the R - r rows above it.
//              The last result leaves at s + T - 1 + (R - 1) + (c - 1). This is what the
//              PE-level register model (arch/systolic/pe) does, cycle for cycle; a full fold
//              (r = R) is unaffected.
//   drain   D: os only: each column shifts its r finished sums out through the bottom PE, one
//              per cycle, after its last PE finishes: D = r (ws/is: 0). Each PE copies its sum
//              into an output register, so the drain overlaps the next fold's stream.
// One fold alone takes P + T + (R + c - 2) + D cycles: for a full ws fold 2R + C + M - 2, which is
// SCALE-Sim's cycles per fold; for os K + 2R + C - 2 (SCALE-Sim omits the drain).
// Consecutive folds: the next stream starts when the edge is free (T after the previous start),
// its stationary tile is in (P_next) and the previous drain is done (D_prev):
//   start[f+1] - start[f] = max(T_f, P_{f+1}, D_f)
//   total = P_0 + (start of the last-finishing fold) + its T + (R + c - 2) + D; usually the last
//   fold: P_0 + sum_{f<F-1} max(T_f, P_{f+1}, D_f) + T_last + (R + c_last - 2) + D_last.
//
// Worked example on paper, 4x4 array, M = N = K = 8, 2 x 2 = 4 full folds (r = c = 4):
//   ws: T = M = 8, P = 4, D = 0. Fold 0 preload cycles 0..3, starts s0 = 4; s1 = 4 + max(8,4,0)
//       = 12, s2 = 20, s3 = 28; last MAC of fold 3 at 28 + 7 + 3 + 3 = 41 -> 42 cycles
//       (= 4 + 3*8 + 8 + 6). SCALE-Sim: 4 folds x (2*4 + 4 + 8 - 2 = 18) - 1 = 71.
//   is: the same with T = N = 8: 42 (SCALE-Sim 71).
//   os: T = K = 8, P = 0, D = 4. s = 0, 8, 16, 24; fold 3's last MAC at 24 + 7 + 6 = 37, its
//       last column drains cycles 38..41 -> 42 cycles (= 3*8 + 8 + 6 + 4). SCALE-Sim:
//       4 x (8 + 4 + 4 - 2 = 14) - 1 = 55.
#include <algorithm>
#include <cstdint>

#include "arch/systolic/dataflow.hpp"
#include "common/checked_math.hpp"

namespace orrery::arch::systolic {

struct GemmDims {
  int64_t m = 1, n = 1, k = 1;
};

// The extents of the GEMM along the array rows, along the array cols, and streamed.
struct ArrayAxes {
  int64_t along_rows = 1, along_cols = 1, streamed = 1;
};

constexpr ArrayAxes array_axes(Dataflow df, const GemmDims& g) {
  switch (df) {
    case Dataflow::os:
      return {g.m, g.n, g.k};
    case Dataflow::ws:
      return {g.k, g.n, g.m};
    case Dataflow::is:
      return {g.k, g.m, g.n};
  }
  return {};
}

// How the GEMM is cut into folds: row_folds x col_folds folds; all but the last along each axis
// use the full array, the last uses last_rows / last_cols.
struct FoldGrid {
  int64_t row_folds = 1, col_folds = 1;
  int64_t last_rows = 1, last_cols = 1;
  int64_t stream = 1;  // T, vectors streamed per fold
  constexpr int64_t count() const { return row_folds * col_folds; }
};

constexpr FoldGrid fold_grid(Dataflow df, const GemmDims& g, int64_t rows, int64_t cols) {
  const ArrayAxes a = array_axes(df, g);
  FoldGrid f;
  f.row_folds = ceil_div(a.along_rows, rows);
  f.col_folds = ceil_div(a.along_cols, cols);
  f.last_rows = a.along_rows - (f.row_folds - 1) * rows;
  f.last_cols = a.along_cols - (f.col_folds - 1) * cols;
  f.stream = a.streamed;
  return f;
}

// ---- SCALE-Sim v2, CALC mode (reference/systolic.md) -------------------------------------------

// Cycles SCALE-Sim charges for every fold, whatever its size: os K + R + C - 2, ws 2R + C + M - 2,
// is 2R + C + N - 2.
constexpr int64_t scalesim_cycles_per_fold(Dataflow df, const GemmDims& g, int64_t rows, int64_t cols) {
  switch (df) {
    case Dataflow::os:
      return g.k + rows + cols - 2;
    case Dataflow::ws:
      return 2 * rows + cols + g.m - 2;
    case Dataflow::is:
      return 2 * rows + cols + g.n - 2;
  }
  return 0;
}

// Folds x cycles per fold, without SCALE-Sim's final -1 (applied once per layer by the caller).
constexpr int64_t scalesim_fold_cycles(Dataflow df, const GemmDims& g, int64_t rows, int64_t cols) {
  return fold_grid(df, g, rows, cols).count() * scalesim_cycles_per_fold(df, g, rows, cols);
}

// One GEMM as one SCALE-Sim layer: folds x cycles per fold - 1.
constexpr int64_t scalesim_compute_cycles(Dataflow df, const GemmDims& g, int64_t rows, int64_t cols) {
  return scalesim_fold_cycles(df, g, rows, cols) - 1;
}

// ---- Exact pipelining model --------------------------------------------------------------------

struct FoldPhases {
  int64_t preload = 0;                                              // P, before the stream starts (ws/is)
  int64_t stream = 0;                                               // T
  int64_t skew = 0;                                                 // R + c - 2
  int64_t drain = 0;                                                // D, after the last MAC (os)
  constexpr int64_t tail() const { return stream + skew + drain; }  // stream start -> fold done
  constexpr int64_t alone() const { return preload + tail(); }      // a fold with no neighbours
};

constexpr FoldPhases fold_phases(Dataflow df, int64_t rows_used, int64_t cols_used, int64_t stream,
                                 int64_t array_rows) {
  FoldPhases p;
  p.preload = df == Dataflow::os ? 0 : rows_used;
  p.stream = stream;
  p.skew = array_rows + cols_used - 2;
  p.drain = df == Dataflow::os ? rows_used : 0;
  return p;
}

// Cycles from one fold's stream start to the next one's, when nothing waits for memory.
constexpr int64_t fold_interval(const FoldPhases& prev, const FoldPhases& next) {
  return std::max({prev.stream, next.preload, prev.drain});
}

// Folds are visited in the mapping's loop order (FoldOrder, chosen per GEMM pass by the mapper).
// The fixed mapper's order, SCALE-Sim's: the col-fold loop outside, the row-fold loop inside for
// ws/is (partial sums of one column fold accumulate back to back); the row-fold loop outside for
// os (an ifmap row tile is reused across the column folds). For each (outer, inner) pair this
// gives the rows and cols the fold uses.
struct FoldIndex {
  int64_t row_fold = 0, col_fold = 0;
};
constexpr FoldOrder default_fold_order(Dataflow df) {
  return df == Dataflow::os ? FoldOrder::cols_inner : FoldOrder::rows_inner;
}
constexpr FoldIndex fold_at(FoldOrder order, const FoldGrid& grid, int64_t index) {
  return order == FoldOrder::rows_inner ? FoldIndex{index % grid.row_folds, index / grid.row_folds}
                                        : FoldIndex{index / grid.col_folds, index % grid.col_folds};
}
constexpr int64_t rows_used(const FoldGrid& g, int64_t rows, int64_t row_fold) {
  return row_fold == g.row_folds - 1 ? g.last_rows : rows;
}
constexpr int64_t cols_used(const FoldGrid& g, int64_t cols, int64_t col_fold) {
  return col_fold == g.col_folds - 1 ? g.last_cols : cols;
}

// Exact compute cycles of `count` instances of one GEMM run back to back (groups, batch) when
// memory always keeps up: the last fold to finish, which is not always the last one started (an
// edge fold with few rows and columns can finish before a full fold started earlier). One
// instance is walked; the others repeat it, one fold interval apart.
constexpr int64_t exact_compute_cycles(Dataflow df, const GemmDims& g, int64_t rows, int64_t cols,
                                       int64_t count, FoldOrder order) {
  const FoldGrid grid = fold_grid(df, g, rows, cols);
  FoldPhases first, prev;
  int64_t start = 0, end = 0;  // relative to the instance's first stream start
  for (int64_t f = 0; f < grid.count(); ++f) {
    const FoldIndex at = fold_at(order, grid, f);
    const FoldPhases p = fold_phases(df, rows_used(grid, rows, at.row_fold),
                                     cols_used(grid, cols, at.col_fold), grid.stream, rows);
    if (f == 0)
      first = p;
    else
      start += fold_interval(prev, p);
    end = std::max(end, start + p.tail());
    prev = p;
  }
  const int64_t instance_span = start + fold_interval(prev, first);  // first start -> next instance's
  return first.preload + (count - 1) * instance_span + end;
}
// The same in the dataflow's default fold order.
constexpr int64_t exact_compute_cycles(Dataflow df, const GemmDims& g, int64_t rows, int64_t cols,
                                       int64_t count = 1) {
  return exact_compute_cycles(df, g, rows, cols, count, default_fold_order(df));
}

}  // namespace orrery::arch::systolic
