#include "workloads/zoo/llama2.hpp"

#include <fmt/format.h>

#include "workloads/zoo/hf_ops.hpp"
#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {

Graph build_llama2_7b(SpecArgs& args, const BuildContext& ctx) {
  const int64_t layers = option_in_range(args, "layers", 32, 1, 1000);
  const int64_t d = option_in_range(args, "d_model", 4096, 1, 1 << 17);
  const int64_t heads = option_in_range(args, "heads", 32, 1, 4096);
  const int64_t kv_heads = option_in_range(args, "kv_heads", heads, 1, 4096);
  const int64_t ffn = option_in_range(args, "ffn", 11008, 1, 1 << 20);
  const int64_t vocab = option_in_range(args, "vocab", 32000, 1, 1 << 24);
  const std::string phase = option_choice(args, "phase", "prefill", {"prefill", "decode"});
  const bool decode = phase == "decode";
  // Decode processes one new token per sequence; seq is the prefill length.
  const int64_t seq = option_in_range(args, "seq", decode ? 1 : 128, 1, 1 << 20);
  if (decode && seq != 1)
    throw WorkloadError(
        fmt::format("--model '{}': seq must be 1 with phase=decode (one new token against the "
                    "KV cache; give context=N for the cache length)",
                    args.spec()));
  if (!decode && args.has("context"))
    throw WorkloadError(fmt::format("--model '{}': context applies to phase=decode only", args.spec()));
  const int64_t context = decode ? option_in_range(args, "context", 128, 0, 1 << 20) : 0;
  require_divides(args, "heads must divide d_model", heads, d);
  require_divides(args, "kv_heads must divide heads", kv_heads, heads);
  const int64_t head_dim = d / heads, kv_dim = kv_heads * head_dim;
  const int64_t kv_len = decode ? context + 1 : seq;

  NetBuilder b(decode ? "llama2_7b_decode" : "llama2_7b", ctx);
  const int64_t rows = b.batch() * seq;
  // Position ids and masks (24 kernels under capture; eagerly an arange, an add and two copies),
  // then the rotary cos/sin tables (10: an fp32 product of the inverse frequencies and the
  // positions, cat, cos, sin, scalings, casts).
  preamble_ops(b, "position_and_mask_preamble", (b.eager() ? 4 : 24) + 10, rows);
  Seq x = b.embedding("model.embed_tokens", rows, vocab, d);
  for (int64_t i = 0; i < layers; ++i) {
    const std::string p = fmt::format("model.layers.{}", i);
    // transformers' LlamaRMSNorm and rotary embedding, op by op (hf_ops.hpp).
    Seq h = rmsnorm_ops(b, p + ".input_layernorm", x);
    Seq q = b.linear(p + ".self_attn.q_proj", h, d, false);
    Seq k = b.linear(p + ".self_attn.k_proj", h, kv_dim, false);
    Seq v = b.linear(p + ".self_attn.v_proj", h, kv_dim, false);
    q = rotary_ops(b, p + ".self_attn.rotary_emb.q", q, seq, head_dim);
    k = rotary_ops(b, p + ".self_attn.rotary_emb.k", k, seq, head_dim);
    if (!decode && !b.eager()) causal_mask_ops(b, p + ".self_attn.mask", seq, kv_len);  // see gpt2.cpp
    Seq a = b.attention(p + ".self_attn.attn", q, k, v, heads, kv_heads, seq, kv_len, !decode);
    if (decode) {
      // K and V are read from the cache (context + the new token), not just this step's output.
      b.rename_input(a.op, 1, p + ".self_attn.k_cache");
      b.rename_input(a.op, 2, p + ".self_attn.v_cache");
    }
    a = b.linear(p + ".self_attn.o_proj", a, d, false);
    x = b.add(p + ".add", a, x);
    h = rmsnorm_ops(b, p + ".post_attention_layernorm", x);
    Seq gate = b.linear(p + ".mlp.gate_proj", h, ffn, false);
    Seq up = b.linear(p + ".mlp.up_proj", h, ffn, false);
    h = b.mul(p + ".mlp.mul", b.act(p + ".mlp.act_fn", "silu", gate), up);  // act_fn(gate) * up
    h = b.linear(p + ".mlp.down_proj", h, d, false);
    x = b.add(p + ".add_1", h, x);
  }
  x = rmsnorm_ops(b, "model.norm", x);
  b.linear("lm_head", x, vocab, false);
  return b.finish();
}

}  // namespace orrery::workloads::zoo
