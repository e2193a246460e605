#pragma once
// torchvision ViT-B/16: 16x16 patch embedding, class token, learned position embedding, 12
// pre-norm encoder layers (nn.MultiheadAttention with fused q/k/v projection), classifier head.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_vit_b_16(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
