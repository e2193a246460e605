#pragma once
// A Stable-Diffusion-1.5-like denoising step, diffusers UNet2DConditionModel: 4-channel 64x64
// latent, block channels 320/640/1280/1280, 2 ResnetBlock2D per down level (3 per up level),
// Transformer2DModel blocks (self-attention, cross-attention to a 77x768 text context, GEGLU
// feed-forward) in the first three levels and the mid-block, sinusoidal timestep embedding.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_unet(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
