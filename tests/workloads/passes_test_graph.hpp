#pragma once
// A small CNN for the compression-pass tests, every count of which is worked out by hand:
//   input 3x8x8 -> "a" conv 3->8 3x3 pad 1 (bias) -> "a_bn" -> "a_relu" -> "b" conv 8->4 1x1
//   -> "flatten" (4*64 = 256) -> "c" linear 256->10 (bias)
// Params: a 3*8*9+8 = 224, a_bn 2*8 = 16, b 8*4 = 32, c 256*10+10 = 2570; total 2842.
// MACs:   a 64*8*27 = 13824, b 64*4*8 = 2048, c 2560; total 18432.
#include "workloads/zoo/net_builder.hpp"

namespace orrery::test {

inline workloads::Graph tiny_cnn() {
  using namespace workloads;
  zoo::NetBuilder b("tiny", {1, DType::fp16});
  zoo::Fmap x = b.conv("a", b.image(3, 8, 8), 8, 3, 1, 1, 1, true);
  x = b.batchnorm("a_bn", x);
  x = b.act("a_relu", "relu", x);
  x = b.conv("b", x, 4, 1, 1, 0);
  zoo::Seq s = b.flatten("flatten", x);
  b.linear("c", s, 10);
  return b.finish();
}

}  // namespace orrery::test
