#include "workloads/zoo/bert.hpp"

#include <fmt/format.h>

#include "workloads/zoo/hf_ops.hpp"
#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {

Graph build_bert_base(SpecArgs& args, const BuildContext& ctx) {
  constexpr int64_t kMaxPositions = 512, kTokenTypes = 2;  // BertConfig defaults
  const int64_t seq = option_in_range(args, "seq", 128, 1, kMaxPositions);
  const int64_t layers = option_in_range(args, "layers", 12, 1, 1000);
  const int64_t d = option_in_range(args, "d_model", 768, 1, 1 << 16);
  const int64_t heads = option_in_range(args, "heads", 12, 1, 1024);
  const int64_t ffn = option_in_range(args, "ffn", 3072, 1, 1 << 18);
  const int64_t vocab = option_in_range(args, "vocab", 30522, 1, 1 << 24);
  // head: the pooler of BertModel (default), BertForMaskedLM's prediction head (`mlm`: dense,
  // GELU, LayerNorm, then the decoder tied to the word embeddings, over every token), or none.
  const std::string head = option_choice(args, "head", "pooler", {"pooler", "mlm", "none"});
  const bool pooler = args.flag("pooler", head == "pooler");
  require_divides(args, "heads must divide d_model", heads, d);
  NetBuilder b("bert_base", ctx);
  const int64_t n = b.batch(), rows = n * seq;

  // Captured in a CUDA graph, the ids and the extended mask take 8 small kernels; run eagerly, a
  // gather of the token-type buffer and a copy (validation/data/training_h100_kernels.csv).
  preamble_ops(b, "position_and_mask_preamble", b.eager() ? 2 : 8, rows);
  Seq x = b.embedding("embeddings.word_embeddings", rows, vocab, d);
  x = b.add("embeddings.add_token_type", x,
            b.embedding("embeddings.token_type_embeddings", rows, kTokenTypes, d));
  x = b.add("embeddings.add_position", x,
            b.embedding("embeddings.position_embeddings", rows, kMaxPositions, d));
  x = b.layernorm("embeddings.LayerNorm", x);
  x = b.dropout("embeddings.dropout", x);  // hidden_dropout_prob 0.1, as in every layer below
  for (int64_t i = 0; i < layers; ++i) {
    const std::string p = fmt::format("encoder.layer.{}", i);
    Seq q = b.linear(p + ".attention.self.query", x, d);
    Seq k = b.linear(p + ".attention.self.key", x, d);
    Seq v = b.linear(p + ".attention.self.value", x, d);
    // Under capture transformers passes the (all-ones) attention_mask on to SDPA as an additive
    // key mask; run eagerly it sees that every key is kept and passes none. (In training SDPA
    // also drops attention probabilities, inside its kernel: not modelled.)
    Seq a = b.attention(p + ".attention.self.attn", q, k, v, heads, heads, seq, seq, false, !b.eager());
    a = b.dropout(p + ".attention.output.dropout", b.linear(p + ".attention.output.dense", a, d));
    x = b.layernorm(p + ".attention.output.LayerNorm", b.add(p + ".attention.output.add", a, x));
    Seq h = b.linear(p + ".intermediate.dense", x, ffn);
    h = b.act(p + ".intermediate.intermediate_act_fn", "gelu", h);
    h = b.dropout(p + ".output.dropout", b.linear(p + ".output.dense", h, d));
    x = b.layernorm(p + ".output.LayerNorm", b.add(p + ".output.add", h, x));
  }
  if (pooler) {
    Seq cls = b.select_rows("pooler.first_token", x, n);
    cls = b.linear("pooler.dense", cls, d);
    b.act("pooler.activation", "tanh", cls);
  }
  if (head == "mlm") {
    Seq h = b.linear("cls.predictions.transform.dense", x, d);
    h = b.act("cls.predictions.transform.transform_act_fn", "gelu", h);
    h = b.layernorm("cls.predictions.transform.LayerNorm", h);
    // The decoder's weight is the word-embedding table (tied); its bias is its own parameter.
    Seq logits = b.matmul_shared("cls.predictions.decoder", h, kGraphInput, vocab);
    b.rename_input(logits.op, 1, "embeddings.word_embeddings.w0");
    ElementwiseParams bias;
    bias.fn = "add_scalar";
    bias.numel = rows * vocab;
    bias.weight_numel = vocab;
    b.append("cls.predictions.bias", bias, {logits.op});
  }
  return b.finish();
}

}  // namespace orrery::workloads::zoo
