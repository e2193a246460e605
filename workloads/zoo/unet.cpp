#include "workloads/zoo/unet.hpp"

#include <fmt/format.h>

#include <vector>

#include "workloads/zoo/diffusion_blocks.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {
namespace {

constexpr int64_t kChannels[4] = {320, 640, 1280, 1280};
constexpr int64_t kHeads = 8, kTimeDim = 1280, kContextDim = 768, kLatent = 4;

struct Step {
  NetBuilder& b;
  Seq temb;
  Seq context;
  int64_t context_len;
};

// diffusers Transformer2DModel (use_linear_projection=False) with one BasicTransformerBlock.
Fmap transformer(Step& s, const std::string& p, const Fmap& x) {
  NetBuilder& b = s.b;
  const int64_t c = x.c, pixels = x.pixels();
  Fmap n = b.groupnorm(p + ".norm", x, kNormGroups);
  n = b.conv(p + ".proj_in", n, c, 1, 1, 0, 1, true);
  Seq h = b.to_tokens(p + ".to_tokens", n);
  const std::string t = p + ".transformer_blocks.0";
  // Self-attention (q/k/v without bias, to_out.0 with bias).
  Seq y = b.layernorm(t + ".norm1", h);
  Seq q = b.linear(t + ".attn1.to_q", y, c, false);
  Seq k = b.linear(t + ".attn1.to_k", y, c, false);
  Seq v = b.linear(t + ".attn1.to_v", y, c, false);
  y = b.attention(t + ".attn1.attn", q, k, v, kHeads, kHeads, pixels, pixels, false);
  y = b.linear(t + ".attn1.to_out.0", y, c);
  h = b.add(t + ".add", y, h);
  // Cross-attention: keys and values from the text context.
  y = b.layernorm(t + ".norm2", h);
  q = b.linear(t + ".attn2.to_q", y, c, false);
  k = b.linear(t + ".attn2.to_k", s.context, c, false);
  v = b.linear(t + ".attn2.to_v", s.context, c, false);
  y = b.attention(t + ".attn2.attn", q, k, v, kHeads, kHeads, pixels, s.context_len, false);
  y = b.linear(t + ".attn2.to_out.0", y, c);
  h = b.add(t + ".add_1", y, h);
  // GEGLU feed-forward: proj to 2 x 4c, hidden * gelu(gate), back to c.
  y = b.layernorm(t + ".norm3", h);
  Seq proj = b.linear(t + ".ff.net.0.proj", y, 8 * c);
  Seq gate = b.act(t + ".ff.net.0.gelu", "gelu", Seq{proj.op, proj.rows, 4 * c});
  y = b.mul(t + ".ff.net.0.mul", Seq{proj.op, proj.rows, 4 * c}, gate);
  y = b.linear(t + ".ff.net.2", y, c);
  h = b.add(t + ".add_2", y, h);
  Fmap o = b.to_fmap(p + ".to_fmap", h, x);
  o = b.conv(p + ".proj_out", o, c, 1, 1, 0, 1, true);
  return b.add(p + ".add", o, x);
}

}  // namespace

Graph build_unet(SpecArgs& args, const BuildContext& ctx) {
  const int64_t res = option_in_range(args, "res", 64, 8, 1024);
  const int64_t context_len = option_in_range(args, "context", 77, 1, 4096);
  require_divides(args, "res must be a multiple of 8 (three 2x downsamplings)", 8, res);
  NetBuilder b("unet", ctx);
  const int64_t n = b.batch();

  // Timestep: sinusoidal projection to 320 (no parameters), then a 2-layer MLP to 1280.
  Seq t = b.act("time_proj", "exp", b.tokens(n, kChannels[0]));
  t = b.linear("time_embedding.linear_1", t, kTimeDim);
  t = b.act("time_embedding.act", "silu", t);
  t = b.linear("time_embedding.linear_2", t, kTimeDim);
  Step s{b, t, b.tokens(n * context_len, kContextDim), context_len};

  Fmap x = b.conv("conv_in", b.image(kLatent, res, res), kChannels[0], 3, 1, 1, 1, true);
  std::vector<Fmap> skips{x};
  for (int i = 0; i < 4; ++i) {
    const std::string p = fmt::format("down_blocks.{}", i);
    for (int j = 0; j < 2; ++j) {
      x = resnet_block(b, fmt::format("{}.resnets.{}", p, j), x, kChannels[i], s.temb);
      if (i < 3) x = transformer(s, fmt::format("{}.attentions.{}", p, j), x);
      skips.push_back(x);
    }
    if (i < 3) {
      x = downsample(b, p + ".downsamplers.0", x, false);
      skips.push_back(x);
    }
  }
  x = resnet_block(b, "mid_block.resnets.0", x, kChannels[3], s.temb);
  x = transformer(s, "mid_block.attentions.0", x);
  x = resnet_block(b, "mid_block.resnets.1", x, kChannels[3], s.temb);
  for (int i = 0; i < 4; ++i) {
    const std::string p = fmt::format("up_blocks.{}", i);
    const int64_t out = kChannels[3 - i];
    for (int j = 0; j < 3; ++j) {
      const Fmap skip = skips.back();
      skips.pop_back();
      x = b.concat(fmt::format("{}.cat.{}", p, j), x, skip);
      x = resnet_block(b, fmt::format("{}.resnets.{}", p, j), x, out, s.temb);
      if (i > 0) x = transformer(s, fmt::format("{}.attentions.{}", p, j), x);
    }
    if (i < 3) x = upsample(b, p + ".upsamplers.0", x);
  }
  x = b.groupnorm("conv_norm_out", x, kNormGroups);
  x = b.act("conv_act", "silu", x);
  b.conv("conv_out", x, kLatent, 3, 1, 1, 1, true);
  return b.finish();
}

}  // namespace orrery::workloads::zoo
