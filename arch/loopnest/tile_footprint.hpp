#pragma once
// Footprint of a data space over a rectangular tile of the iteration space, and what a tile
// that slides along one dimension brings in that it did not hold before.
//
// A tile covers a contiguous index range of extent e[d] in every dimension d (loop factors
// nest, so any tile of a factorized mapping is such a box). Coordinate a of the data space is
// sum_t coef_t * dim_t, so over the box it spans
//   extent_a = sum_t coef_t * (e[dim_t] - 1) + 1
// points (for a conv's input width: (P'-1)*stride + (R'-1)*dilation + 1), and the footprint is
// the product over the axes. When the tile moves by `step` along dimension D, axis a moves by
// shift_a = step * sum of the coefficients of D in a; the points kept are
// prod_a max(0, extent_a - shift_a) and the new points (the delta) are footprint - kept.
// Exact for boxes whose axes are such sums (Timeloop's projections); the footprint counts
// distinct points only when no two terms of an axis can alias, i.e. as Timeloop counts it.
#include <algorithm>
#include <array>
#include <cstdint>

#include "arch/loopnest/limits.hpp"

namespace orrery::arch::loopnest {

// A data space's projection in flat arrays (no allocation in the evaluator).
struct CompiledProjection {
  int num_axes = 0;
  std::array<int, kMaxAxes> num_terms{};
  std::array<std::array<int, kMaxTermsPerAxis>, kMaxAxes> term_dim{};
  std::array<std::array<int64_t, kMaxTermsPerAxis>, kMaxAxes> term_coef{};
  uint32_t relevant_dims_mask = 0;  // bit d set when dimension d appears in some axis

  bool relevant(int dim) const { return (relevant_dims_mask >> dim) & 1u; }

  int64_t axis_extent(int a, const std::array<int64_t, kMaxDims>& extent) const {
    int64_t e = 1;
    for (int t = 0; t < num_terms[a]; ++t) e += term_coef[a][t] * (extent[term_dim[a][t]] - 1);
    return e;
  }

  int64_t footprint(const std::array<int64_t, kMaxDims>& extent) const {
    int64_t f = 1;
    for (int a = 0; a < num_axes; ++a) f *= axis_extent(a, extent);
    return f;
  }

  // New points when the box moves by `step` along `dim`.
  int64_t slide_delta(const std::array<int64_t, kMaxDims>& extent, int dim, int64_t step) const {
    int64_t total = 1;
    int64_t kept = 1;
    for (int a = 0; a < num_axes; ++a) {
      const int64_t e = axis_extent(a, extent);
      int64_t shift = 0;
      for (int t = 0; t < num_terms[a]; ++t)
        if (term_dim[a][t] == dim) shift += term_coef[a][t] * step;
      total *= e;
      kept *= std::max<int64_t>(0, e - shift);
    }
    return total - kept;
  }
};

}  // namespace orrery::arch::loopnest
