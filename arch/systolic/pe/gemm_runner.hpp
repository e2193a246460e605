#pragma once
// Folding a GEMM (M×K)·(K×N) that is larger than the R×C array:
//   os  ceil(M/R)·ceil(N/C) folds; PE(i,j) accumulates C[m0+i][n0+j] over all of K
//   ws  ceil(K/R)·ceil(N/C) folds; the K folds' partial sums add up outside the array
//   is  ceil(K/R)·ceil(M/C) folds; likewise
// Fold order as fold_timing.hpp: ws/is row folds inner (a column fold's K folds back to back),
// os row folds outer. Stream starts s_f (see driver.hpp for what happens around s_f):
//   back_to_back (SCALE-Sim): fold f owns cycles f·P .. f·P+P-1, P = SCALE-Sim's per-fold
//            cycles (ws 2R+C+M-2, is 2R+C+N-2, os K+R+C-2); s_f = f·P + r_0 for ws/is (the
//            load comes first), f·P for os.
//   pipelined: s_0 = r_0 (ws/is) or 0 (os); s_{f+1} = s_f + max(T, P_{f+1}, D_f), where T is
//            the stream length (ws M, is N, os K), P_{f+1} the next fold's load (its rows r,
//            ws/is; 0 for os) and D_f = r_f for os (the drain of a fold's r sums per column must
//            be out of the drain registers before the next fold hands over its own), 0 for ws/is.
#include <cstdint>
#include <vector>

#include "arch/systolic/dataflow.hpp"
#include "arch/systolic/pe/driver.hpp"
#include "arch/systolic/pe/matrix.hpp"
#include "arch/systolic/pe/plan.hpp"

namespace orrery::arch::systolic::pe {

enum class FoldSchedule { back_to_back, pipelined };

// One fold: the rows and columns of the array it uses, and where its tile starts along the GEMM
// dimension on each array axis (os: M rows / N cols; ws: K rows / N cols; is: K rows / M cols).
struct FoldTile {
  int64_t row0 = 0, col0 = 0, rows = 0, cols = 0;
};

std::vector<FoldTile> gemm_fold_tiles(Dataflow dataflow, ArrayDims dims, int64_t m, int64_t n, int64_t k);

std::vector<int64_t> fold_stream_starts(Dataflow dataflow, ArrayDims dims, int64_t m, int64_t n, int64_t k,
                                        FoldSchedule schedule);

// a: M×K, b: K×N. The plan's result is the M×N product.
template <class In>
Plan<In> make_gemm_plan(const Mat<In>& a, const Mat<In>& b, ArrayDims dims, Dataflow dataflow,
                        FoldSchedule schedule);

}  // namespace orrery::arch::systolic::pe
