// PE-level systolic model: 2-D convolutions through im2col (stride, padding, groups) against a
// direct convolution written out below (seven nested loops, no im2col), every dataflow.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "arch/systolic/pe/conv_im2col.hpp"
#include "arch/systolic/pe/system.hpp"
#include "common/error.hpp"

namespace orrery::arch::systolic::pe {
namespace {

template <class In, class Acc>
std::vector<Acc> direct_conv(const Conv2dShape& s, const std::vector<In>& x, const std::vector<In>& w) {
  const int64_t oh = s.out_h(), ow = s.out_w();
  const int64_t cg = s.in_channels / s.groups, ng = s.out_channels / s.groups;
  std::vector<Acc> y(static_cast<size_t>(s.batch * s.out_channels * oh * ow), Acc{});
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t o = 0; o < s.out_channels; ++o)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          Acc sum{};
          const int64_t g = o / ng;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t ky = 0; ky < s.kernel_h; ++ky)
              for (int64_t kx = 0; kx < s.kernel_w; ++kx) {
                const int64_t iy = oy * s.stride + ky - s.pad, ix = ox * s.stride + kx - s.pad;
                if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width) continue;
                const In xv =
                    x[static_cast<size_t>(((b * s.in_channels + g * cg + c) * s.height + iy) * s.width + ix)];
                const In wv = w[static_cast<size_t>(((o * cg + c) * s.kernel_h + ky) * s.kernel_w + kx)];
                sum += static_cast<Acc>(xv) * static_cast<Acc>(wv);
              }
          y[static_cast<size_t>(((b * s.out_channels + o) * oh + oy) * ow + ox)] = sum;
        }
  return y;
}

// 3×3 stride 2 pad 1 with 2 groups; 1×1 stride 1; 3×3 stride 1 pad 0 depthwise-like (groups =
// channels); a 5×3 kernel with stride 3.
const std::vector<Conv2dShape> kShapes = {
    {.batch = 2,
     .in_channels = 4,
     .height = 9,
     .width = 7,
     .out_channels = 6,
     .kernel_h = 3,
     .kernel_w = 3,
     .stride = 2,
     .pad = 1,
     .groups = 2},
    {.batch = 1,
     .in_channels = 5,
     .height = 6,
     .width = 6,
     .out_channels = 7,
     .kernel_h = 1,
     .kernel_w = 1,
     .stride = 1,
     .pad = 0,
     .groups = 1},
    {.batch = 1,
     .in_channels = 3,
     .height = 5,
     .width = 6,
     .out_channels = 3,
     .kernel_h = 3,
     .kernel_w = 3,
     .stride = 1,
     .pad = 0,
     .groups = 3},
    {.batch = 1,
     .in_channels = 2,
     .height = 11,
     .width = 8,
     .out_channels = 5,
     .kernel_h = 5,
     .kernel_w = 3,
     .stride = 3,
     .pad = 2,
     .groups = 1},
};

template <class In, class Acc, class Draw, class Compare>
void run_convs(Draw draw, Compare compare) {
  std::mt19937 rng(7);
  PeSystem<In, Acc> sys("pe", 4, 5);
  struct Case {
    Conv2dShape shape;
    std::vector<In> x, w;
    size_t first_plan, groups;
  };
  std::vector<Case> cases;
  std::vector<Plan<In>> plans;
  for (const auto& s : kShapes) {
    std::vector<In> x(static_cast<size_t>(s.batch * s.in_channels * s.height * s.width));
    std::vector<In> w(
        static_cast<size_t>(s.out_channels * (s.in_channels / s.groups) * s.kernel_h * s.kernel_w));
    for (auto& v : x) v = draw(rng);
    for (auto& v : w) v = draw(rng);
    for (Dataflow df : {Dataflow::ws, Dataflow::os, Dataflow::is}) {
      cases.push_back({s, x, w, plans.size(), static_cast<size_t>(s.groups)});
      for (auto& p : make_conv_plans<In>(s, x, w, sys.dims(), df, FoldSchedule::pipelined))
        plans.push_back(std::move(p));
    }
  }
  const auto runs = sys.run(std::move(plans));
  for (const auto& c : cases) {
    std::vector<Mat<Acc>> parts;
    for (size_t g = 0; g < c.groups; ++g) parts.push_back(runs[c.first_plan + g].result);
    compare(conv_output<Acc>(c.shape, parts), c.shape, c.x, c.w);
  }
}

TEST(SystolicPeConv, Int8MatchesDirectConvExactly) {
  run_convs<int8_t, int32_t>(
      [](std::mt19937& rng) {
        return static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
      },
      [](const std::vector<int32_t>& got, const Conv2dShape& s, const std::vector<int8_t>& x,
         const std::vector<int8_t>& w) { EXPECT_EQ(got, (direct_conv<int8_t, int32_t>(s, x, w))); });
}

TEST(SystolicPeConv, Fp32MatchesDirectConv) {
  run_convs<float, float>([](std::mt19937& rng) { return std::uniform_real_distribution<float>(-1, 1)(rng); },
                          [](const std::vector<float>& got, const Conv2dShape& s, const std::vector<float>& x,
                             const std::vector<float>& w) {
                            // reference in double; error relative to sum |x|·|w| (the dot product's scale)
                            std::vector<double> xd(x.begin(), x.end()), wd(w.begin(), w.end());
                            const auto want = direct_conv<double, double>(s, xd, wd);
                            for (auto& v : xd) v = std::abs(v);
                            for (auto& v : wd) v = std::abs(v);
                            const auto scale = direct_conv<double, double>(s, xd, wd);
                            ASSERT_EQ(got.size(), want.size());
                            for (size_t i = 0; i < got.size(); ++i) {
                              EXPECT_LE(std::abs(got[i] - want[i]), 1e-5 * scale[i]) << i;
                            }
                          });
}

TEST(SystolicPeConv, RejectsBadShape) {
  Conv2dShape s{.in_channels = 3, .out_channels = 4, .groups = 2};
  EXPECT_THROW(s.validate(), WorkloadError);
}

}  // namespace
}  // namespace orrery::arch::systolic::pe
