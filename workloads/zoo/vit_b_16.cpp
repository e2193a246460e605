#include "workloads/zoo/vit_b_16.hpp"

#include <fmt/format.h>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {

Graph build_vit_b_16(SpecArgs& args, const BuildContext& ctx) {
  const int64_t res = option_in_range(args, "res", 224, 16, 4096);
  const int64_t layers = option_in_range(args, "layers", 12, 1, 1000);
  const int64_t classes = option_in_range(args, "classes", 1000, 1, 1000000);
  constexpr int64_t kPatch = 16, kDim = 768, kHeads = 12, kMlp = 3072;
  require_divides(args, "res must be a multiple of the 16-pixel patch", kPatch, res);
  NetBuilder b("vit_b_16", ctx);
  const int64_t n = b.batch();
  const int64_t seq = (res / kPatch) * (res / kPatch) + 1;  // patches + class token

  Fmap patches = b.conv("conv_proj", b.image(3, res, res), kDim, kPatch, kPatch, 0, 1, true);
  Seq x = b.to_tokens("flatten", patches);  // n x 768 x 14 x 14 -> (n*196) x 768
  // The class token (a [1, 1, 768] parameter) expanded over the batch, then prepended.
  Seq cls = b.embedding("class_token", n, 1, kDim);
  x = b.concat_rows("cat_class_token", cls, x);
  // encoder.pos_embedding: a [1, seq, 768] parameter added to every sample.
  Seq pos = b.embedding("encoder.pos_embedding", seq, seq, kDim);
  x = b.add("encoder.add_pos_embedding", x, pos);
  for (int64_t i = 0; i < layers; ++i) {
    const std::string p = fmt::format("encoder.layers.encoder_layer_{}", i);
    Seq h = b.layernorm(p + ".ln_1", x);
    Seq qkv = b.linear(p + ".self_attention.in_proj", h, 3 * kDim);
    Seq a = b.attention(p + ".self_attention.attention", Seq{qkv.op, qkv.rows, kDim}, qkv, qkv, kHeads,
                        kHeads, seq, seq, false);
    a = b.linear(p + ".self_attention.out_proj", a, kDim);
    x = b.add(p + ".add", a, x);
    h = b.layernorm(p + ".ln_2", x);
    h = b.linear(p + ".mlp.0", h, kMlp);
    h = b.act(p + ".mlp.1", "gelu", h);
    h = b.linear(p + ".mlp.3", h, kDim);
    x = b.add(p + ".add_1", h, x);
  }
  x = b.layernorm("encoder.ln", x);
  x = b.select_rows("class_token_out", x, n);
  b.linear("heads.head", x, classes);
  return b.finish();
}

}  // namespace orrery::workloads::zoo
