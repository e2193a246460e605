#pragma once
// Building blocks shared by the Stable Diffusion VAE and U-Net (diffusers): ResnetBlock2D,
// the single-head VAE attention, and the up/down samplers. Names follow diffusers' modules.
#include <optional>
#include <string>

#include "workloads/zoo/net_builder.hpp"

namespace orrery::workloads::zoo {

inline constexpr int64_t kNormGroups = 32;

// diffusers ResnetBlock2D: norm1, SiLU, conv1, (+ time_emb_proj(SiLU(temb))), norm2, SiLU,
// conv2, optional 1x1 conv_shortcut, residual add.
Fmap resnet_block(NetBuilder& b, const std::string& p, const Fmap& x, int64_t out,
                  const std::optional<Seq>& temb);

// diffusers Attention as used by the VAE mid-block: GroupNorm, to_q/to_k/to_v/to_out.0 with bias,
// one head over all pixels, residual add.
Fmap vae_attention(NetBuilder& b, const std::string& p, const Fmap& x);

// Downsample2D with a 3x3 stride-2 conv: diffusers pads (0,1,0,1) for the VAE (padding 0) and
// pads 1 all round for the U-Net.
Fmap downsample(NetBuilder& b, const std::string& p, const Fmap& x, bool asymmetric_pad);

// Upsample2D: nearest 2x, then a 3x3 conv.
Fmap upsample(NetBuilder& b, const std::string& p, const Fmap& x);

}  // namespace orrery::workloads::zoo
