#include "workloads/zoo/vit_b_16.hpp"

#include <fmt/format.h>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {

namespace {

Seq strided(NetBuilder& b, const std::string& name, ElementwiseParams p, const std::vector<size_t>& producers,
            const Seq& like) {
  p.strided = true;
  return Seq{b.append(name, std::move(p), producers), like.rows, like.cols};
}

// nn.MultiheadAttention's input projection as it runs in train() mode, where it leaves its fused
// inference path for F.multi_head_attention_forward: the batch-first input becomes a transposed
// view; F.linear of a non-contiguous 3-D input copies it, multiplies without the bias and adds the
// bias in a separate broadcasting kernel; _in_projection_packed then makes the packed q/k/v
// contiguous (a second copy of the projection) as one [3, L, N, E] tensor and returns proj[0],
// proj[1], proj[2]: three select views, whose backward (select_backward: a zeroed [3, L, N, E]
// tensor, the slice's gradient copied in) and the two adds that sum them are what
// validation/data/training_h100_kernels.csv shows per block (3 FillFunctor, 3 DtoD copies, 2 adds).
struct PackedQkv {
  Seq q, k, v;
};

PackedQkv in_projection_training(NetBuilder& b, const std::string& name, const Seq& x, int64_t dim) {
  const Seq in = strided(b, name + ".input_contiguous", {"copy", x.rows * x.cols}, {x.op}, x);
  Seq qkv = b.linear(name, in, 3 * dim, false);
  ElementwiseParams bias{"add", qkv.rows * 3 * dim};
  bias.weight_numel = 3 * dim;  // the projection's bias: its parameter, summed over the rows for its gradient
  qkv = strided(b, name + ".bias", bias, {qkv.op}, qkv);
  qkv = strided(b, name + ".packed_contiguous", {"copy", qkv.rows * 3 * dim}, {qkv.op}, qkv);
  auto select = [&](const char* part) {
    DataMovementParams s;
    s.kind = DataMovementParams::Kind::select;
    s.in_numels = {qkv.rows * 3 * dim};
    s.out_numel = qkv.rows * dim;
    return Seq{b.append(name + "." + part, s, {qkv.op}), qkv.rows, dim};
  };
  return {select("q"), select("k"), select("v")};
}

}  // namespace

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
    const std::string in_proj = p + ".self_attention.in_proj";
    Seq a;
    if (b.training()) {
      const PackedQkv qkv = in_projection_training(b, in_proj, h, kDim);
      a = b.attention(p + ".self_attention.attention", qkv.q, qkv.k, qkv.v, kHeads, kHeads, seq, seq, false);
      // F.multi_head_attention_forward: attn_output.permute(2, 0, 1, 3).contiguous() before the
      // output projection (the SDPA output is [N, L, H, D] in memory, the projection wants
      // [L, N, E]): one more strided copy a block, forward and backward.
      a = strided(b, p + ".self_attention.output_contiguous", {"copy", a.rows * a.cols}, {a.op}, a);
    } else {
      const Seq qkv = b.linear(in_proj, h, 3 * kDim);
      a = b.attention(p + ".self_attention.attention", Seq{qkv.op, qkv.rows, kDim}, qkv, qkv, kHeads, kHeads,
                      seq, seq, false);
    }
    a = b.linear(p + ".self_attention.out_proj", a, kDim);
    if (b.training()) {
      // The attention output returns as a transposed view: the residual add takes PyTorch's
      // generic strided kernel, and the residual stream is made contiguous once more per block
      // (one more copy per block in validation/data/training_h100_kernels.csv).
      x = strided(b, p + ".add", {"add", x.rows * x.cols}, {a.op, x.op}, x);
      x = strided(b, p + ".residual_contiguous", {"copy", x.rows * x.cols}, {x.op}, x);
    } else {
      x = b.add(p + ".add", a, x);
    }
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
