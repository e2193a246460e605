#pragma once
// torchvision MobileNetV2 (width 1.0): inverted residual blocks with ReLU6 and linear bottlenecks.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_mobilenet_v2(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
