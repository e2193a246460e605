#include "workloads/zoo/r3d_18.hpp"

#include <fmt/format.h>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {
namespace {

ConvParams conv3d(int64_t c_out, Dims3 k, Dims3 stride, Dims3 pad) {
  ConvParams p;
  p.c_out = c_out;
  p.kernel = k;
  p.stride = stride;
  p.pad_begin = p.pad_end = pad;
  return p;
}

// torchvision.models.video.resnet.BasicBlock with Conv3DSimple (3x3x3, stride in time too).
Fmap basic_block(NetBuilder& b, const std::string& p, const Fmap& x, int64_t width, int64_t s) {
  Fmap y = b.conv(p + ".conv1.0", x, conv3d(width, {3, 3, 3}, {s, s, s}, {1, 1, 1}));
  y = b.batchnorm(p + ".conv1.1", y);
  y = b.act(p + ".conv1.2", "relu", y);
  y = b.conv(p + ".conv2.0", y, conv3d(width, {3, 3, 3}, {1, 1, 1}, {1, 1, 1}));
  y = b.batchnorm(p + ".conv2.1", y);
  Fmap identity = x;
  if (s != 1 || x.c != width) {
    identity = b.conv(p + ".downsample.0", x, conv3d(width, {1, 1, 1}, {s, s, s}, {0, 0, 0}));
    identity = b.batchnorm(p + ".downsample.1", identity);
  }
  y = b.add(p + ".add", y, identity);
  return b.act(p + ".relu", "relu", y);
}

}  // namespace

Graph build_r3d_18(SpecArgs& args, const BuildContext& ctx) {
  const int64_t frames = option_in_range(args, "frames", 16, 1, 4096);
  const int64_t res = option_in_range(args, "res", 112, 16, 4096);
  const int64_t classes = option_in_range(args, "classes", 400, 1, 1000000);
  NetBuilder b("r3d_18", ctx);
  // BasicStem: Conv3d(3, 64, (3, 7, 7), stride (1, 2, 2), padding (1, 3, 3)), BN, ReLU.
  Fmap x = b.conv("stem.0", b.clip(3, frames, res, res), conv3d(64, {3, 7, 7}, {1, 2, 2}, {1, 3, 3}));
  x = b.batchnorm("stem.1", x);
  x = b.act("stem.2", "relu", x);
  const int64_t widths[4] = {64, 128, 256, 512};
  for (int layer = 0; layer < 4; ++layer)
    for (int i = 0; i < 2; ++i)
      x = basic_block(b, fmt::format("layer{}.{}", layer + 1, i), x, widths[layer],
                      (layer > 0 && i == 0) ? 2 : 1);
  x = b.global_avgpool("avgpool", x);
  Seq s = b.flatten("flatten", x);
  b.linear("fc", s, classes);
  return b.finish();
}

}  // namespace orrery::workloads::zoo
