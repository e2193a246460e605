#pragma once
// torchvision ResNet-18/50 (v1.5: the stride of a bottleneck is on its 3x3 conv).
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_resnet18(SpecArgs& args, const BuildContext& ctx);
Graph build_resnet50(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
