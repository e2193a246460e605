// The closed-form fill counts of model.cpp against a step-by-step walk of the same rule on
// random small mappings (strided, dilated, with spatial fan-out). The walk visits every time
// step of the loops above a level (instance 0), builds the set of points of the tile's
// bounding box, and
// charges the rule directly: the first tile in full; when only the innermost loop above
// advanced, the points that are new; when an outer loop advanced, nothing if neither it nor a
// loop that wrapped is over a dimension of the data space, else the whole tile (even where the
// new tile happens to coincide with the old one: stride = dilation with R and P split). It checks the
// implementation (steps across spatial loops, multi-term projections, skipped unit loops), not the rule,
// which the reference tests check.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "arch/loopnest/mapping_text.hpp"
#include "arch/loopnest/model.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"
#include "tests/arch/loopnest/random_conv1d_case.hpp"

namespace orrery::arch::loopnest {
namespace {

using Point = std::vector<int64_t>;

struct Loop {
  int dim;
  int64_t bound;
  int64_t stride;  // product of the factors of `dim` nested inside this loop
};

int64_t brute_force_fills(const Problem& p, const Mapping& m, int level, int s) {
  const int nd = p.num_dims();
  const int nl = static_cast<int>(m.levels.size());
  std::vector<int64_t> extent(nd, 1);
  for (int j = 0; j <= level; ++j)
    for (int d = 0; d < nd; ++d)
      extent[d] *= m.levels[j].temporal[d] * m.levels[j].spatial_x[d] * m.levels[j].spatial_y[d];
  // Loops above, innermost first, with the stride of each in its dimension.
  std::vector<int64_t> inner(extent);
  std::vector<Loop> loops;
  for (int j = level + 1; j < nl; ++j) {
    for (int d = 0; d < nd; ++d) inner[d] *= m.levels[j].spatial_x[d] * m.levels[j].spatial_y[d];
    for (int q = 0; q < nd; ++q) {
      const int d = m.levels[j].permutation[q];
      const int64_t b = m.levels[j].temporal[d];
      if (b > 1) loops.push_back({d, b, inner[d]});
      inner[d] *= b;
    }
  }
  // Spatial loops of a level lie inside its temporal loops: the strides above used the spatial
  // factors of level j before its temporal loops, which is the nesting order.
  const DataSpace& ds = p.data_spaces[s];
  // Timeloop describes a tile of a data space by its axis-aligned bounding box (per axis the
  // range from the lowest to the highest coordinate), so a strided tile includes the gaps.
  auto points = [&](const std::vector<int64_t>& start) {
    std::vector<int64_t> lo;
    std::vector<int64_t> hi;
    for (const auto& axis : ds.axes) {
      int64_t a = 0;
      int64_t b = 0;
      for (const auto& t : axis) {
        a += t.coefficient * start[t.dim];
        b += t.coefficient * (start[t.dim] + extent[t.dim] - 1);
      }
      lo.push_back(a);
      hi.push_back(b);
    }
    std::set<Point> out;
    Point pt(lo);
    while (true) {
      out.insert(pt);
      size_t a = 0;
      while (a < pt.size() && ++pt[a] > hi[a]) pt[a] = lo[a], ++a;
      if (a == pt.size()) break;
    }
    return out;
  };
  std::vector<int64_t> counter(loops.size(), 0);
  auto start_of = [&] {
    std::vector<int64_t> st(nd, 0);
    for (size_t k = 0; k < loops.size(); ++k) st[loops[k].dim] += counter[k] * loops[k].stride;
    return st;
  };
  std::set<Point> prev = points(start_of());
  int64_t fills = static_cast<int64_t>(prev.size());
  while (true) {
    size_t k = 0;
    while (k < loops.size() && ++counter[k] == loops[k].bound) counter[k++] = 0;
    if (k == loops.size()) break;
    std::set<Point> cur = points(start_of());
    if (k == 0) {
      for (const auto& pt : cur) fills += prev.count(pt) ? 0 : 1;
    } else {
      bool moved = false;  // did a loop over a dimension of this data space move?
      for (size_t q = 0; q <= k; ++q)
        for (const auto& axis : ds.axes)
          for (const auto& t : axis) moved = moved || t.dim == loops[q].dim;
      if (moved) fills += static_cast<int64_t>(cur.size());
    }
    prev.swap(cur);
  }
  return fills;
}

TEST(LoopNestFills, ClosedFormMatchesStepByStepWalkOnRandomMappings) {
  std::mt19937_64 rng(12345);
  int checked = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const auto [prob, spec, m, stride, dil] = test::random_conv1d_case(rng);
    const LoopNestModel model(spec, prob);
    LoopNestStats st;
    ASSERT_FALSE(model.evaluate(m, st).has_value());
    for (int i = 0; i < 2; ++i)
      for (int s = 0; s < 2; ++s) {  // read-only data spaces: fills are the raw arrivals
        if (!m.levels[i].keep[s]) continue;
        EXPECT_EQ(st.levels[i].data_spaces[s].fills, brute_force_fills(prob, m, i, s))
            << "trial " << trial << " level " << i << " data space " << s << " stride " << stride << " dil "
            << dil << "\n"
            << mapping_loop_nest_text(model, m);
        ++checked;
      }
  }
  EXPECT_GT(checked, 300);
}

}  // namespace
}  // namespace orrery::arch::loopnest
