#pragma once
// torchvision.models.video.r3d_18: ResNet-18 with 3-D convolutions on a video clip.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_r3d_18(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
