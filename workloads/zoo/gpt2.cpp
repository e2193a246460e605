#include "workloads/zoo/gpt2.hpp"

#include <fmt/format.h>

#include "workloads/zoo/hf_ops.hpp"
#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {

Graph build_gpt2(SpecArgs& args, const BuildContext& ctx) {
  // GPT2Config's 50257; Megatron-LM pads GPT's vocabulary to 51200 (a multiple of 128 x its TP size).
  const int64_t vocab = option_in_range(args, "vocab", 50257, 1, 1 << 24);
  // n_positions (1024 in GPT-2; 2048 for GPT-3-shaped models): the position table, and the
  // longest sequence.
  const int64_t positions = option_in_range(args, "positions", 1024, 1, 1 << 20);
  const int64_t seq = option_in_range(args, "seq", 128, 1, positions);
  const int64_t layers = option_in_range(args, "layers", 12, 1, 1000);
  const int64_t d = option_in_range(args, "d_model", 768, 1, 1 << 16);
  const int64_t heads = option_in_range(args, "heads", 12, 1, 1024);
  const bool lm_head = args.flag("lm_head", true);
  require_divides(args, "heads must divide d_model", heads, d);
  NetBuilder b("gpt2", ctx);
  const int64_t rows = b.batch() * seq;

  // Captured, the position ids and masks take 24 small kernels; eagerly, an arange and an add
  // (validation/data/training_h100_kernels.csv).
  preamble_ops(b, "position_and_mask_preamble", b.eager() ? 2 : 24, rows);
  Seq wte = b.embedding("wte", rows, vocab, d);
  Seq x = b.dropout("drop", b.add("add_wpe", wte, b.embedding("wpe", rows, positions, d)));
  for (int64_t i = 0; i < layers; ++i) {
    const std::string p = fmt::format("h.{}", i);
    Seq h = b.layernorm(p + ".ln_1", x);
    Seq qkv = b.linear(p + ".attn.c_attn", h, 3 * d);
    // Under CUDA-graph capture transformers materializes the causal mask in every layer (the
    // attention op models the causal mask itself, so the mask ops feed nothing in the graph);
    // eagerly it sees no padding and asks SDPA for is_causal instead.
    if (!b.eager()) causal_mask_ops(b, p + ".attn.mask", seq, seq);
    Seq a = b.attention(p + ".attn.attn", Seq{qkv.op, qkv.rows, d}, qkv, qkv, heads, heads, seq, seq, true);
    a = b.dropout(p + ".attn.resid_dropout", b.linear(p + ".attn.c_proj", a, d));
    x = b.add(p + ".add", a, x);
    h = b.layernorm(p + ".ln_2", x);
    h = b.linear(p + ".mlp.c_fc", h, 4 * d);
    h = gelu_tanh_ops(b, p + ".mlp.act", h);
    h = b.dropout(p + ".mlp.dropout", b.linear(p + ".mlp.c_proj", h, d));
    x = b.add(p + ".add_1", h, x);
  }
  x = b.layernorm("ln_f", x);
  if (lm_head) {
    // Tied to wte: the table (a parameter, not wte's output) is read as the matmul's second
    // operand, not counted as a new parameter.
    Seq logits = b.matmul_shared("lm_head", x, kGraphInput, vocab);
    b.rename_input(logits.op, 1, "wte.w0");
  }
  return b.finish();
}

}  // namespace orrery::workloads::zoo
