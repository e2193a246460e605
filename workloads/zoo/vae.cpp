#include "workloads/zoo/vae.hpp"

#include <fmt/format.h>

#include "workloads/zoo/diffusion_blocks.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {
namespace {

constexpr int64_t kBlockChannels[4] = {128, 256, 512, 512};
constexpr int64_t kLatent = 4;

Fmap mid_block(NetBuilder& b, const std::string& p, Fmap x) {
  x = resnet_block(b, p + ".resnets.0", x, x.c, std::nullopt);
  x = vae_attention(b, p + ".attentions.0", x);
  return resnet_block(b, p + ".resnets.1", x, x.c, std::nullopt);
}

// diffusers Encoder (double_z: 2 x 4 output channels) followed by AutoencoderKL.quant_conv.
Fmap encoder(NetBuilder& b, Fmap x) {
  x = b.conv("encoder.conv_in", x, kBlockChannels[0], 3, 1, 1, 1, true);
  for (int i = 0; i < 4; ++i) {
    const std::string p = fmt::format("encoder.down_blocks.{}", i);
    for (int j = 0; j < 2; ++j)
      x = resnet_block(b, fmt::format("{}.resnets.{}", p, j), x, kBlockChannels[i], std::nullopt);
    if (i < 3) x = downsample(b, p + ".downsamplers.0", x, true);
  }
  x = mid_block(b, "encoder.mid_block", x);
  x = b.groupnorm("encoder.conv_norm_out", x, kNormGroups);
  x = b.act("encoder.conv_act", "silu", x);
  x = b.conv("encoder.conv_out", x, 2 * kLatent, 3, 1, 1, 1, true);
  return b.conv("quant_conv", x, 2 * kLatent, 1, 1, 0, 1, true);
}

// AutoencoderKL.post_quant_conv followed by diffusers Decoder.
Fmap decoder(NetBuilder& b, Fmap z) {
  z = b.conv("post_quant_conv", z, kLatent, 1, 1, 0, 1, true);
  Fmap x = b.conv("decoder.conv_in", z, kBlockChannels[3], 3, 1, 1, 1, true);
  x = mid_block(b, "decoder.mid_block", x);
  for (int i = 0; i < 4; ++i) {
    const std::string p = fmt::format("decoder.up_blocks.{}", i);
    const int64_t out = kBlockChannels[3 - i];
    for (int j = 0; j < 3; ++j) x = resnet_block(b, fmt::format("{}.resnets.{}", p, j), x, out, std::nullopt);
    if (i < 3) x = upsample(b, p + ".upsamplers.0", x);
  }
  x = b.groupnorm("decoder.conv_norm_out", x, kNormGroups);
  x = b.act("decoder.conv_act", "silu", x);
  return b.conv("decoder.conv_out", x, 3, 3, 1, 1, 1, true);
}

}  // namespace

Graph build_vae(SpecArgs& args, const BuildContext& ctx) {
  const int64_t res = option_in_range(args, "res", 512, 8, 8192);
  const std::string part = option_choice(args, "part", "both", {"encoder", "decoder", "both"});
  require_divides(args, "res must be a multiple of 8 (three 2x downsamplings)", 8, res);
  NetBuilder b(part == "both" ? "vae" : "vae_" + part, ctx);
  if (part == "decoder") {
    decoder(b, b.image(kLatent, res / 8, res / 8));
  } else {
    Fmap moments = encoder(b, b.image(3, res, res));
    if (part == "both") {
      // Sample the latent from the diagonal Gaussian (mean + std * eps): 4 channels out of 8.
      const int64_t latent_numel = b.batch() * kLatent * moments.pixels();
      ElementwiseParams sample{"scale_shift", latent_numel, 0};
      Fmap z{b.append("latent_dist.sample", sample, {moments.op}), kLatent, moments.size, 2};
      decoder(b, z);
    }
  }
  return b.finish();
}

}  // namespace orrery::workloads::zoo
