#include "workloads/zoo/efficientnet_b0.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {
namespace {

// torchvision Conv2dNormActivation: "<p>.0" conv, "<p>.1" bn, "<p>.2" SiLU (unless `silu` is off).
Fmap conv_bn(NetBuilder& b, const std::string& p, const Fmap& x, int64_t c_out, int64_t k, int64_t stride,
             int64_t groups, bool silu) {
  Fmap y = b.conv(p + ".0", x, c_out, k, stride, (k - 1) / 2, groups);
  y = b.batchnorm(p + ".1", y);
  return silu ? b.act_inplace(p + ".2", "silu", y) : y;
}

// torchvision.ops.SqueezeExcitation(expanded, squeeze, activation=SiLU): avgpool, fc1, SiLU,
// fc2 (1x1 convs with bias), sigmoid, scale.
Fmap squeeze_excitation(NetBuilder& b, const std::string& p, const Fmap& x, int64_t squeeze) {
  Fmap s = b.global_avgpool(p + ".avgpool", x);
  s = b.conv(p + ".fc1", s, squeeze, 1, 1, 0, 1, true);
  s = b.act_inplace(p + ".activation", "silu", s);
  s = b.conv(p + ".fc2", s, x.c, 1, 1, 0, 1, true);
  s = b.act(p + ".scale_activation", "sigmoid", s);
  return b.mul(p + ".scale", x, s);
}

}  // namespace

Graph build_efficientnet_b0(SpecArgs& args, const BuildContext& ctx) {
  const int64_t res = option_in_range(args, "res", 224, 32, 4096);
  const int64_t classes = option_in_range(args, "classes", 1000, 1, 1000000);
  NetBuilder b("efficientnet_b0", ctx);
  // torchvision _efficientnet_conf("efficientnet_b0"): expand ratio, kernel, stride, out, layers.
  struct Stage {
    int64_t expand, k, stride, out, layers;
  };
  constexpr Stage kStages[] = {{1, 3, 1, 16, 1},  {6, 3, 2, 24, 2},  {6, 5, 2, 40, 2}, {6, 3, 2, 80, 3},
                               {6, 5, 1, 112, 3}, {6, 5, 2, 192, 4}, {6, 3, 1, 320, 1}};
  Fmap x = conv_bn(b, "features.0", b.image(3, res, res), 32, 3, 2, 1, true);
  int stage_index = 1;
  for (const auto& st : kStages) {
    for (int64_t i = 0; i < st.layers; ++i) {
      const std::string p = fmt::format("features.{}.{}", stage_index, i);
      const int64_t stride = i == 0 ? st.stride : 1;
      const int64_t expanded = x.c * st.expand;
      Fmap y = x;
      int j = 0;
      if (expanded != x.c) y = conv_bn(b, fmt::format("{}.block.{}", p, j++), y, expanded, 1, 1, 1, true);
      y = conv_bn(b, fmt::format("{}.block.{}", p, j++), y, expanded, st.k, stride, expanded, true);
      y = squeeze_excitation(b, fmt::format("{}.block.{}", p, j++), y, std::max<int64_t>(1, x.c / 4));
      y = conv_bn(b, fmt::format("{}.block.{}", p, j++), y, st.out, 1, 1, 1, false);
      // Stochastic depth is the identity at inference.
      if (stride == 1 && x.c == st.out) y = b.add(p + ".add", y, x);
      x = y;
    }
    ++stage_index;
  }
  x = conv_bn(b, "features.8", x, 1280, 1, 1, 1, true);
  x = b.global_avgpool("avgpool", x);
  Seq s = b.flatten("flatten", x);
  b.linear("classifier.1", s, classes);  // classifier.0 is dropout
  return b.finish();
}

}  // namespace orrery::workloads::zoo
