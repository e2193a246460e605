#include "workloads/zoo/vgg.hpp"

#include <fmt/format.h>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {

Graph build_vgg16(SpecArgs& args, const BuildContext& ctx) {
  const int64_t res = option_in_range(args, "res", 224, 32, 4096);
  const int64_t classes = option_in_range(args, "classes", 1000, 1, 1000000);
  NetBuilder b("vgg16", ctx);
  // features: torchvision cfgs["D"]; 0 = max pool. Module indices count conv, relu and pool.
  constexpr int64_t kCfg[] = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
  Fmap x = b.image(3, res, res);
  int index = 0;
  for (int64_t c : kCfg) {
    if (c == 0) {
      x = b.maxpool(fmt::format("features.{}", index++), x, 2, 2, 0);
      continue;
    }
    x = b.conv(fmt::format("features.{}", index++), x, c, 3, 1, 1, 1, true);
    x = b.act(fmt::format("features.{}", index++), "relu", x);
  }
  // AdaptiveAvgPool2d((7, 7)): an identity at 224 (7x7 maps), a uniform pool when the map is a
  // multiple of 7; other sizes would need uneven windows.
  const int64_t s = x.size[2];
  if (s % 7)
    throw WorkloadError(
        fmt::format("--model '{}': res={} gives a {}x{} final map; adaptive pooling to 7x7 needs a "
                    "multiple of 7 (res a multiple of 224)",
                    args.spec(), res, s, s));
  x = b.pool("avgpool", PoolParams::Mode::avg, x, {1, s / 7, s / 7}, {1, s / 7, s / 7}, {0, 0, 0});
  Seq y = b.flatten("flatten", x);
  y = b.linear("classifier.0", y, 4096);
  y = b.act("classifier.1", "relu", y);
  y = b.linear("classifier.3", y, 4096);  // classifier.2 and .5 are dropout: identity at inference
  y = b.act("classifier.4", "relu", y);
  b.linear("classifier.6", y, classes);
  return b.finish();
}

}  // namespace orrery::workloads::zoo
