// The transformer zoo models against their published configurations' parameter counts and
// hand-computed MACs (linear layers + both attention matmuls, B*H*S*KV*D each).
// Parameter references: BERT-base 109,482,240 (transformers BertModel(BertConfig()) with
// pooler); GPT-2 small 124,439,808 (GPT2LMHeadModel, LM head tied to wte); Llama-2-7B
// 6,738,415,616 (LlamaForCausalLM, published 7B config). Each is re-derived by hand below.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tests/workloads/zoo_reference.hpp"
#include "workloads/training/training_step.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;
using orrery::test::attention_macs;
using orrery::test::build;
using orrery::test::find_op;

TEST(ZooBert, BaseMatchesPublishedCounts) {
  const Graph g = build("bert_base");
  // Embeddings 30522*768 + 512*768 + 2*768 + LayerNorm 2*768 = 23,837,184; per layer
  // 4*(768*768+768) + 2*(768*3072) + 3072 + 768 + 2 LayerNorms 4*768 = 7,087,872; pooler 590,592.
  EXPECT_EQ(g.params(), 23'837'184LL + 12 * 7'087'872LL + 590'592);
  EXPECT_EQ(g.params(), 109'482'240);
  // MACs at seq 128: per layer 128 * (4*768*768 + 2*768*3072) = 905,969,664; attention
  // 2*12*128*128*64 = 25,165,824 per layer; pooler 768*768 = 589,824.
  EXPECT_EQ(g.macs(), 12 * (905'969'664LL + 25'165'824LL) + 589'824);
  EXPECT_EQ(attention_macs(g), 12 * 25'165'824LL);
}

TEST(ZooBert, OptionsChangeCountsByHand) {
  // layers=2, no pooler: embeddings + 2 layers; MACs 2 layers only.
  const Graph g = build("bert_base:layers=2,pooler=0");
  EXPECT_EQ(g.params(), 23'837'184LL + 2 * 7'087'872LL);
  EXPECT_EQ(g.macs(), 2 * (905'969'664LL + 25'165'824LL));
  // seq=512, batch 2: linear MACs scale with tokens (1024 rows), attention with B*S^2.
  const Graph h = build("bert_base:seq=512,layers=1,pooler=0", 2);
  EXPECT_EQ(h.macs(), 1024LL * (4 * 768 * 768 + 2 * 768 * 3072) + 2LL * 2 * 12 * 512 * 512 * 64);
  // d_model=256, heads=4, ffn=1024, vocab=1000, layers=1: params by hand.
  const Graph s = build("bert_base:d_model=256,heads=4,ffn=1024,vocab=1000,layers=1,pooler=0");
  EXPECT_EQ(s.params(),
            (1000 + 512 + 2 + 2) * 256LL + 4 * (256 * 256 + 256) + 2 * 256 * 1024 + 1024 + 256 + 4 * 256);
}

TEST(ZooBert, BadOptionsAreErrors) {
  EXPECT_THROW(build("bert_base:seq=513"), orrery::WorkloadError);  // > 512 positions
  EXPECT_THROW(build("bert_base:heads=5"), orrery::WorkloadError);  // 5 does not divide 768
  EXPECT_THROW(build("bert_base:pooler=2"), orrery::WorkloadError);
  EXPECT_THROW(build("bert_base:layers=0"), orrery::WorkloadError);
}

TEST(ZooGpt2, SmallMatchesPublishedCounts) {
  const Graph g = build("gpt2");
  // wte 50257*768 + wpe 1024*768 = 39,383,808; per layer 2 LayerNorms 3,072 + c_attn
  // 768*2304+2304 + c_proj 768*768+768 + c_fc 768*3072+3072 + c_proj 3072*768+768 = 7,087,872;
  // ln_f 1,536; the LM head is tied (no new parameter).
  EXPECT_EQ(g.params(), 39'383'808LL + 12 * 7'087'872LL + 1'536);
  EXPECT_EQ(g.params(), 124'439'808);
  // MACs at seq 128: per layer 128 * 7,077,888 + attention 2*12*128*128*64 = 25,165,824;
  // LM head 128*768*50257 = 4,940,464,128.
  EXPECT_EQ(g.macs(), 12 * (128LL * 7'077'888 + 25'165'824) + 4'940'464'128LL);
  EXPECT_EQ(find_op(g, "lm_head")->inputs[1].name, "wte.w0");
  EXPECT_TRUE(find_op(g, "h.0.attn.attn")->get<AttentionParams>()->causal);
  // Without the LM head: GPT2Model, as in zoo_reference.json.
  EXPECT_EQ(build("gpt2:lm_head=0").macs(), 12 * (128LL * 7'077'888 + 25'165'824));
  EXPECT_THROW(build("gpt2:seq=1025"), orrery::WorkloadError);
}

TEST(ZooLlama, SevenBMatchesPublishedCounts) {
  const Graph g = build("llama2_7b");
  // embed + lm_head 2*32000*4096; per layer 4*4096^2 + 3*4096*11008 + 2 RMSNorms 2*4096;
  // final norm 4096.
  const int64_t per_layer_linear = 4LL * 4096 * 4096 + 3LL * 4096 * 11008;  // 202,375,168
  EXPECT_EQ(g.params(), 2LL * 32000 * 4096 + 32 * (per_layer_linear + 2 * 4096) + 4096);
  EXPECT_EQ(g.params(), 6'738'415'616);
  // Prefill seq 128: 128 tokens through every linear, attention 2*32*128*128*128 per layer.
  const int64_t attn = 2LL * 32 * 128 * 128 * 128;
  EXPECT_EQ(g.macs(), 128 * (32 * per_layer_linear + 32000LL * 4096) + 32 * attn);
  EXPECT_EQ(attention_macs(g), 32 * attn);
}

TEST(ZooLlama, DecodeReadsTheKvCache) {
  // One token against a cache of 1000: kv_len 1001. Linear MACs are one row each;
  // attention 2 * 32 heads * 1 * 1001 * 128 per layer.
  const Graph g = build("llama2_7b:phase=decode,context=1000");
  const int64_t per_layer_linear = 4LL * 4096 * 4096 + 3LL * 4096 * 11008;
  EXPECT_EQ(g.macs(), 32 * per_layer_linear + 32000LL * 4096 + 32 * (2LL * 32 * 1001 * 128));
  EXPECT_EQ(g.params(), 6'738'415'616);
  const Op* attn = find_op(g, "model.layers.0.self_attn.attn");
  ASSERT_NE(attn, nullptr);
  EXPECT_EQ(attn->get<AttentionParams>()->kv_len, 1001);
  EXPECT_EQ(attn->get<AttentionParams>()->q_len, 1);
  // K and V cache reads: 32 heads x 1001 x 128 elements each, fp16.
  EXPECT_EQ(attn->inputs[1].name, "model.layers.0.self_attn.k_cache");
  EXPECT_EQ(attn->inputs[1].bytes(), 32LL * 1001 * 128 * 2);
}

TEST(ZooLlama, GroupedQueryAndSmallConfigsByHand) {
  // kv_heads=8 (GQA): k_proj and v_proj shrink to 4096 -> 1024.
  const Graph g = build("llama2_7b:kv_heads=8,layers=1");
  const int64_t layer = 2LL * 4096 * 4096 + 2LL * 4096 * 1024 + 3LL * 4096 * 11008 + 2 * 4096;
  EXPECT_EQ(g.params(), 2LL * 32000 * 4096 + layer + 4096);
  EXPECT_EQ(find_op(g, "model.layers.0.self_attn.attn")->get<AttentionParams>()->kv_heads, 8);
  // Batch 4 decode: every linear sees 4 rows.
  const Graph d = build("llama2_7b:phase=decode,context=0,layers=1", 4);
  EXPECT_EQ(d.macs(), 4 * (4LL * 4096 * 4096 + 3LL * 4096 * 11008 + 32000LL * 4096) + 4 * 2LL * 32 * 1 * 128);
}

TEST(ZooLlama, BadOptionsAreErrors) {
  EXPECT_THROW(build("llama2_7b:phase=train"), orrery::WorkloadError);
  EXPECT_THROW(build("llama2_7b:phase=decode,seq=4"), orrery::WorkloadError);
  EXPECT_THROW(build("llama2_7b:context=5"), orrery::WorkloadError);
  EXPECT_THROW(build("llama2_7b:kv_heads=5"), orrery::WorkloadError);
  try {
    build("llama2_7b:phase=train");
  } catch (const orrery::WorkloadError& e) {
    EXPECT_NE(std::string(e.what()).find("phase expected prefill|decode, got 'train'"), std::string::npos)
        << e.what();
  }
}

namespace {

Graph build_as(const std::string& spec, bool eager, bool training, int64_t batch = 1) {
  return orrery::workloads::zoo::build_model(spec, {batch, DType::bf16, eager, training});
}

int64_t count_fn(const Graph& g, const std::string& fn) {
  int64_t n = 0;
  for (const auto& op : g.ops())
    if (const auto* e = op.get<ElementwiseParams>(); e && e->fn == fn) ++n;
  return n;
}

}  // namespace

TEST(ZooTransformers, EagerRunsTakeTransformersEagerBranches) {
  // Captured (the default), BERT hands SDPA its all-ones mask as an additive key mask and GPT-2
  // builds a causal mask per layer (fill, fill, where: causal_mask_ops); run eagerly,
  // transformers passes no mask and asks for is_causal: no mask ops, no key mask.
  const Graph captured = build_as("bert_base:layers=2", false, false);
  const Graph eager = build_as("bert_base:layers=2", true, false);
  EXPECT_TRUE(find_op(captured, "encoder.layer.0.attention.self.attn")->get<AttentionParams>()->padding_mask);
  EXPECT_FALSE(find_op(eager, "encoder.layer.0.attention.self.attn")->get<AttentionParams>()->padding_mask);
  // The preamble: 8 kernels captured, 2 eagerly (validation/data/training_h100_kernels.csv).
  EXPECT_EQ(captured.size() - eager.size(), 8u - 2u);
  EXPECT_EQ(build_as("gpt2:layers=3", false, false).size() - build_as("gpt2:layers=3", true, false).size(),
            (24u - 2u) + 3u * 3u);
  EXPECT_EQ(captured.macs(), eager.macs());
}

TEST(ZooTransformers, TrainingDrawsDropoutMasks) {
  // BertConfig hidden_dropout_prob 0.1: after the embeddings and after both residual branches of
  // every layer (1 + 2 x layers); GPT-2 likewise (embd_pdrop, resid_pdrop twice per block).
  // Llama has no dropout; inference draws none.
  EXPECT_EQ(count_fn(build_as("bert_base:layers=3", true, true), "dropout"), 1 + 2 * 3);
  EXPECT_EQ(count_fn(build_as("gpt2:layers=3", true, true), "dropout"), 1 + 2 * 3);
  EXPECT_EQ(count_fn(build_as("llama2_7b:layers=1,seq=64", true, true), "dropout"), 0);
  EXPECT_EQ(count_fn(build_as("bert_base:layers=3", true, false), "dropout"), 0);
}

TEST(ZooVit, TrainingLeavesTheAttentionFastPath) {
  // nn.MultiheadAttention in train() mode: per block, the input projection's input and packed
  // output are copied contiguous (768 and 3 x 768 per token), its bias is a separate broadcast
  // add, the attention output is copied contiguous (permute(2, 0, 1, 3).contiguous()), the
  // residual add is strided and the residual stream copied once more; q, k and v are three
  // select views of the packed projection. Same MACs and parameters as inference (the bias moves
  // from the GEMM to the add).
  const int64_t tokens = 2 * 197;
  const Graph infer = build_as("vit_b_16:layers=2", false, false, 2);
  const Graph train = build_as("vit_b_16:layers=2", false, true, 2);
  EXPECT_EQ(count_fn(infer, "copy"), 0);
  EXPECT_EQ(count_fn(train, "copy"), 4 * 2);
  // copies x2, bias add, attention output copy, residual copy, 3 selects
  EXPECT_EQ(train.size() - infer.size(), 2u * 8u);
  const auto* out = find_op(train, "encoder.layers.encoder_layer_0.self_attention.output_contiguous");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->get<ElementwiseParams>()->numel, tokens * 768);
  EXPECT_EQ(train.macs(), infer.macs());
  EXPECT_EQ(train.params(), infer.params());
  const auto* packed =
      find_op(train, "encoder.layers.encoder_layer_0.self_attention.in_proj.packed_contiguous");
  ASSERT_NE(packed, nullptr);
  EXPECT_EQ(packed->get<ElementwiseParams>()->numel, tokens * 3 * 768);
  EXPECT_TRUE(packed->get<ElementwiseParams>()->strided);
  const auto* bias = find_op(train, "encoder.layers.encoder_layer_0.self_attention.in_proj.bias");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->get<ElementwiseParams>()->weight_numel, 3 * 768);
  EXPECT_FALSE(
      find_op(train, "encoder.layers.encoder_layer_0.self_attention.in_proj")->get<GemmParams>()->bias);
  EXPECT_TRUE(find_op(train, "encoder.layers.encoder_layer_0.add")->get<ElementwiseParams>()->strided);
  const auto* q = find_op(train, "encoder.layers.encoder_layer_0.self_attention.in_proj.q");
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->get<DataMovementParams>()->is_view());
  EXPECT_EQ(q->get<DataMovementParams>()->out_numel, tokens * 768);
  // The backward: each select's gradient is a zeroed packed tensor with its slice copied in (a
  // pad of 3 x 768 per token), and autograd sums the three (two adds), per block.
  training::TrainOptions o;
  const auto step = training::build_training_step(train, o);
  int pads = 0, sums = 0;
  for (const auto& op : step.graph.ops()) {
    const auto* d = op.get<DataMovementParams>();
    if (d && d->kind == DataMovementParams::Kind::pad && op.name.find("in_proj") != std::string::npos) {
      EXPECT_EQ(d->out_numel, tokens * 3 * 768) << op.name;
      ++pads;
    }
    if (op.name.find("packed_contiguous.out0.grad_accumulate") != std::string::npos) ++sums;
  }
  EXPECT_EQ(pads, 3 * 2);
  EXPECT_EQ(sums, 2 * 2);
}
