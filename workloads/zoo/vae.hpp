#pragma once
// The Stable Diffusion (1.x) VAE, diffusers AutoencoderKL: 4 latent channels, block channels
// 128/256/512/512, 2 ResnetBlock2D per level (3 in the decoder), a mid-block with one
// single-head attention, GroupNorm(32) and SiLU throughout; part=encoder|decoder|both.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_vae(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
