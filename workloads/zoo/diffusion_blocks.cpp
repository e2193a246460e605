#include "workloads/zoo/diffusion_blocks.hpp"

namespace orrery::workloads::zoo {

Fmap resnet_block(NetBuilder& b, const std::string& p, const Fmap& x, int64_t out,
                  const std::optional<Seq>& temb) {
  Fmap h = b.groupnorm(p + ".norm1", x, kNormGroups);
  h = b.act(p + ".nonlinearity", "silu", h);
  h = b.conv(p + ".conv1", h, out, 3, 1, 1, 1, true);
  if (temb) {
    Seq t = b.act(p + ".nonlinearity_temb", "silu", *temb);
    t = b.linear(p + ".time_emb_proj", t, out);
    // Broadcast over the pixels: one add per element of h.
    ElementwiseParams add{"add", b.batch() * h.c * h.pixels(), 0};
    h = Fmap{b.append(p + ".add_temb", add, {h.op, t.op}), h.c, h.size, h.rank};
  }
  h = b.groupnorm(p + ".norm2", h, kNormGroups);
  h = b.act(p + ".nonlinearity_1", "silu", h);
  h = b.conv(p + ".conv2", h, out, 3, 1, 1, 1, true);  // dropout before it is the identity
  Fmap shortcut = x.c != out ? b.conv(p + ".conv_shortcut", x, out, 1, 1, 0, 1, true) : x;
  return b.add(p + ".add", h, shortcut);
}

Fmap vae_attention(NetBuilder& b, const std::string& p, const Fmap& x) {
  Fmap n = b.groupnorm(p + ".group_norm", x, kNormGroups);
  Seq t = b.to_tokens(p + ".to_tokens", n);
  Seq q = b.linear(p + ".to_q", t, x.c);
  Seq k = b.linear(p + ".to_k", t, x.c);
  Seq v = b.linear(p + ".to_v", t, x.c);
  Seq a = b.attention(p + ".attn", q, k, v, 1, 1, x.pixels(), x.pixels(), false);
  a = b.linear(p + ".to_out.0", a, x.c);
  Fmap y = b.to_fmap(p + ".to_fmap", a, x);
  return b.add(p + ".add", y, x);
}

Fmap downsample(NetBuilder& b, const std::string& p, const Fmap& x, bool asymmetric_pad) {
  ConvParams c;
  c.c_out = x.c;
  c.kernel = {1, 3, 3};
  c.stride = {1, 2, 2};
  c.pad_begin = asymmetric_pad ? Dims3{0, 0, 0} : Dims3{0, 1, 1};
  c.pad_end = {0, 1, 1};
  c.bias = true;
  return b.conv(p + ".conv", x, c);
}

Fmap upsample(NetBuilder& b, const std::string& p, const Fmap& x) {
  Fmap u = b.upsample_nearest(p + ".interpolate", x, 2);
  return b.conv(p + ".conv", u, x.c, 3, 1, 1, 1, true);
}

}  // namespace orrery::workloads::zoo
