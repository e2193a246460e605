#pragma once
// torchvision EfficientNet-B0: MBConv blocks with squeeze-excitation and SiLU.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_efficientnet_b0(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
