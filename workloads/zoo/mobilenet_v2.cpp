#include "workloads/zoo/mobilenet_v2.hpp"

#include <fmt/format.h>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {
namespace {

// torchvision Conv2dNormActivation with ReLU6: "<p>.0" conv, "<p>.1" bn, "<p>.2" relu6.
Fmap conv_bn_relu6(NetBuilder& b, const std::string& p, const Fmap& x, int64_t c_out, int64_t k,
                   int64_t stride, int64_t groups) {
  Fmap y = b.conv(p + ".0", x, c_out, k, stride, (k - 1) / 2, groups);
  y = b.batchnorm(p + ".1", y);
  return b.act_inplace(p + ".2", "relu6", y);
}

}  // namespace

Graph build_mobilenet_v2(SpecArgs& args, const BuildContext& ctx) {
  const int64_t res = option_in_range(args, "res", 224, 32, 4096);
  const int64_t classes = option_in_range(args, "classes", 1000, 1, 1000000);
  NetBuilder b("mobilenet_v2", ctx);
  // torchvision inverted_residual_setting: expansion t, channels c, repeats n, stride s.
  struct Stage {
    int64_t t, c, n, s;
  };
  constexpr Stage kStages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                               {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  Fmap x = conv_bn_relu6(b, "features.0", b.image(3, res, res), 32, 3, 2, 1);
  int index = 1;
  for (const auto& st : kStages) {
    for (int64_t i = 0; i < st.n; ++i) {
      const std::string p = fmt::format("features.{}.conv", index++);
      const int64_t stride = i == 0 ? st.s : 1;
      const int64_t hidden = x.c * st.t;
      Fmap y = x;
      int j = 0;
      if (st.t != 1) y = conv_bn_relu6(b, fmt::format("{}.{}", p, j++), y, hidden, 1, 1, 1);
      y = conv_bn_relu6(b, fmt::format("{}.{}", p, j++), y, hidden, 3, stride, hidden);
      y = b.conv(fmt::format("{}.{}", p, j++), y, st.c, 1, 1, 0);
      y = b.batchnorm(fmt::format("{}.{}", p, j++), y);
      if (stride == 1 && x.c == st.c) y = b.add(p.substr(0, p.size() - 5) + ".add", y, x);
      x = y;
    }
  }
  x = conv_bn_relu6(b, fmt::format("features.{}", index), x, 1280, 1, 1, 1);
  x = b.global_avgpool("avgpool", x);  // nn.functional.adaptive_avg_pool2d
  Seq s = b.flatten("flatten", x);
  b.linear("classifier.1", s, classes);  // classifier.0 is dropout
  return b.finish();
}

}  // namespace orrery::workloads::zoo
