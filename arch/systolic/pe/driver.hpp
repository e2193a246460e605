#pragma once
// Skewing operands into the array and naming the outputs that come out, one fold at a time,
// with SCALE-Sim's conventions for each dataflow (R rows, C columns; the fold uses r <= R rows
// and c <= C columns; its stream starts at cycle s; t counts the streamed vectors, t < T):
//
// Stationary fold (ws: stationary = filter tile B[k0+i][n0+j], stream = rows of A, T = M;
//                  is: stationary = ifmap tile A[m0+j][k0+i], stream = columns of B, T = N):
//   load   column j gets the stationary words for rows r-1, r-2, ..., 0 at cycles
//          s-r+j .. s-1+j (bottom row first, so all r words reach their rows together at
//          s-1+j; skewed by column like the stream; unused columns get padding loads). The
//          fold's first word enters at s-r.
//   stream row i gets its t-th operand at cycle s+t+i.
//   out    PE(i,j) adds at s+t+i+j (last MAC of the fold at s+T+r+c-3); column j's t-th
//          partial sum passes all R rows and leaves the bottom PE at s+t+R-1+j. A full fold
//          (r = R, c = C) spans s-R .. s+T+R+C-3: 2R+C+T-2 cycles, SCALE-Sim's per-fold count.
// Output-stationary fold (T = K), stream from s; a tile of r rows sits at the bottom of the
// array (rows R-r .. R-1), so that its sums drain through r rows:
//   stream row R-r+i gets A[m0+i][t] at s+t+R-r+i, column j gets B[t][n0+j] at s+t+j;
//          PE(i,j) MACs at s+t+i+j, so the fold's last MAC is at s+K+R+c-3 (a full fold:
//          K+R+C-2 cycles from s, SCALE-Sim's per-fold count).
//   flush  every row i gets a bubble of the next fold's parity at s+K+i (or the next fold's
//          first word); it reaches PE(i,j) at s+K+i+j, which hands its sum to the drain. Column
//          j's bottom edge gives rows, ..., R-r at s+K+R-1+j, ..., s+K+R+r-2+j (one
//          cycle after the column's last MAC, then one a cycle); the fold's last output leaves
//          at s+K+R+r+c-3 (a full fold: K+2R+C-2 cycles; the drain adds R to SCALE-Sim's count).
#include <cstdint>

#include "arch/systolic/pe/matrix.hpp"
#include "arch/systolic/pe/plan.hpp"

namespace orrery::arch::systolic::pe {

struct ArrayDims {
  int rows = 0, cols = 0;
};

// Where column j's t-th output of a stationary fold goes: (t, offset+j) for ws,
// (offset+j, t) for is.
struct StationaryOutputMap {
  bool column_is_result_row = false;
  int64_t offset = 0;
};

// stationary: used_rows × used_cols (≤ R×C) tile; stream: used_rows × T, row i's operands.
template <class In>
void emit_stationary_fold(Plan<In>& plan, ArrayDims dims, int32_t fold, int64_t stream_start,
                          const Mat<In>& stationary, const Mat<In>& stream, StationaryOutputMap out_map);

// a: used_rows × K (rows of A), b: K × used_cols (columns of B); PE(R-used_rows+i, j) holds
// result (row0+i, col0+j).
template <class In>
void emit_output_stationary_fold(Plan<In>& plan, ArrayDims dims, int32_t fold, int64_t stream_start,
                                 const Mat<In>& a, const Mat<In>& b, int64_t row0, int64_t col0);

// Sorts each edge's words by cycle; where two land on one cycle (a flush and the next fold's
// first word), keeps the real operand. Throws SimulationError if two real operands collide.
template <class In>
void finalize_plan(Plan<In>& plan);

}  // namespace orrery::arch::systolic::pe
