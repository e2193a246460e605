#pragma once
// torchvision VGG-16 (configuration "D", no batchnorm).
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_vgg16(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
