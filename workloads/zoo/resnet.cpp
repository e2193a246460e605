#include "workloads/zoo/resnet.hpp"

#include <fmt/format.h>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {
namespace {

// torchvision.models.resnet.BasicBlock (expansion 1).
Fmap basic_block(NetBuilder& b, const std::string& p, const Fmap& x, int64_t width, int64_t stride) {
  Fmap y = b.conv(p + ".conv1", x, width, 3, stride, 1);
  y = b.batchnorm(p + ".bn1", y);
  y = b.act(p + ".relu", "relu", y);
  y = b.conv(p + ".conv2", y, width, 3, 1, 1);
  y = b.batchnorm(p + ".bn2", y);
  Fmap identity = x;
  if (stride != 1 || x.c != width) {
    identity = b.conv(p + ".downsample.0", x, width, 1, stride, 0);
    identity = b.batchnorm(p + ".downsample.1", identity);
  }
  y = b.add(p + ".add", y, identity);
  return b.act(p + ".relu_1", "relu", y);
}

// torchvision.models.resnet.Bottleneck (expansion 4, stride on conv2).
Fmap bottleneck(NetBuilder& b, const std::string& p, const Fmap& x, int64_t width, int64_t stride) {
  const int64_t out = width * 4;
  Fmap y = b.conv(p + ".conv1", x, width, 1, 1, 0);
  y = b.batchnorm(p + ".bn1", y);
  y = b.act(p + ".relu", "relu", y);
  y = b.conv(p + ".conv2", y, width, 3, stride, 1);
  y = b.batchnorm(p + ".bn2", y);
  y = b.act(p + ".relu_1", "relu", y);
  y = b.conv(p + ".conv3", y, out, 1, 1, 0);
  y = b.batchnorm(p + ".bn3", y);
  Fmap identity = x;
  if (stride != 1 || x.c != out) {
    identity = b.conv(p + ".downsample.0", x, out, 1, stride, 0);
    identity = b.batchnorm(p + ".downsample.1", identity);
  }
  y = b.add(p + ".add", y, identity);
  return b.act(p + ".relu_2", "relu", y);
}

Graph build_resnet(const char* name, SpecArgs& args, const BuildContext& ctx, bool use_bottleneck,
                   const int (&blocks)[4]) {
  const int64_t res = option_in_range(args, "res", 224, 32, 4096);
  const int64_t classes = option_in_range(args, "classes", 1000, 1, 1000000);
  NetBuilder b(name, ctx);
  Fmap x = b.conv("conv1", b.image(3, res, res), 64, 7, 2, 3);
  x = b.batchnorm("bn1", x);
  x = b.act("relu", "relu", x);
  x = b.maxpool("maxpool", x, 3, 2, 1);
  const int64_t widths[4] = {64, 128, 256, 512};
  for (int layer = 0; layer < 4; ++layer) {
    for (int i = 0; i < blocks[layer]; ++i) {
      const std::string p = fmt::format("layer{}.{}", layer + 1, i);
      const int64_t stride = (layer > 0 && i == 0) ? 2 : 1;
      x = use_bottleneck ? bottleneck(b, p, x, widths[layer], stride)
                         : basic_block(b, p, x, widths[layer], stride);
    }
  }
  x = b.global_avgpool("avgpool", x);
  Seq s = b.flatten("flatten", x);
  b.linear("fc", s, classes);
  return b.finish();
}

}  // namespace

Graph build_resnet18(SpecArgs& args, const BuildContext& ctx) {
  return build_resnet("resnet18", args, ctx, false, {2, 2, 2, 2});
}

Graph build_resnet50(SpecArgs& args, const BuildContext& ctx) {
  return build_resnet("resnet50", args, ctx, true, {3, 4, 6, 3});
}

}  // namespace orrery::workloads::zoo
