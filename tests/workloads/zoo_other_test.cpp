// GCN, the Stable Diffusion VAE and U-Net: parameter counts against the reference
// implementations and MACs by hand.
// Parameter references: diffusers AutoencoderKL with the SD-1.5 VAE config: 83,653,863 in all
// (encoder 34,163,592 + quant_conv 72 + decoder 49,490,179 + post_quant_conv 20);
// diffusers UNet2DConditionModel with the SD-1.5 config: 859,520,964 (the figure published for
// runwayml/stable-diffusion-v1-5's unet). Both match exactly: no residual difference. The
// timestep's sinusoidal projection (no parameters, no MACs) is one elementwise op here.
// GCN (PyG GCNConv x2 on Cora, 1433 -> 16 -> 7): 1433*16+16 + 16*7+7 = 23,063 parameters.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/workloads/zoo_reference.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;
using orrery::test::attention_macs;
using orrery::test::build;
using orrery::test::find_op;
using orrery::test::macs_under;
using orrery::test::params_under;

TEST(ZooGcn, CoraByHand) {
  const Graph g = build("gcn");
  EXPECT_EQ(g.params(), 1433 * 16 + 16 + 16 * 7 + 7);
  // Transform 2708 x 1433 x 16, aggregation nnz (10556 edges + 2708 self loops) x 16, then
  // 2708 x 16 x 7 and 13264 x 7.
  EXPECT_EQ(g.macs(), 2708LL * 1433 * 16 + 13264LL * 16 + 2708LL * 16 * 7 + 13264LL * 7);
  const auto* agg = find_op(g, "conv1.propagate")->get<SpmmParams>();
  ASSERT_NE(agg, nullptr);
  EXPECT_EQ(agg->nnz, 13264);
  EXPECT_EQ(agg->rows, 2708);
}

TEST(ZooGcn, OptionsByHand) {
  const Graph g = build("gcn:nodes=100,edges=400,features=50,hidden=32,classes=5,layers=3");
  EXPECT_EQ(g.params(), 50 * 32 + 32 + 32 * 32 + 32 + 32 * 5 + 5);
  EXPECT_EQ(g.macs(), 100LL * (50 * 32 + 32 * 32 + 32 * 5) + 500LL * (32 + 32 + 5));
  EXPECT_THROW(build("gcn:nodes=3,edges=7"), orrery::WorkloadError);  // > 3*2 directed edges
  EXPECT_THROW(build("gcn:layers=0"), orrery::WorkloadError);
}

TEST(ZooVae, MatchesDiffusersAutoencoderKL) {
  const Graph g = build("vae");
  EXPECT_EQ(g.params(), 83'653'863);
  EXPECT_EQ(params_under(g, "encoder."), 34'163'592);
  EXPECT_EQ(params_under(g, "decoder."), 49'490'179);
  EXPECT_EQ(params_under(g, "quant_conv"), 72);
  EXPECT_EQ(params_under(g, "post_quant_conv"), 20);
  EXPECT_EQ(build("vae:part=encoder").params(), 34'163'592 + 72);
  EXPECT_EQ(build("vae:part=decoder").params(), 49'490'179 + 20);
  // encoder.conv_in at 512x512: 512*512 x 128 x 3*3*3.
  EXPECT_EQ(find_op(g, "encoder.conv_in")->macs(), 512LL * 512 * 128 * 27);
  // Mid-block attention at 64x64 (4096 tokens, 512 wide, one head): q/k/v/out projections
  // 4 x 4096 x 512 x 512, attention matmuls 2 x 4096 x 4096 x 512.
  EXPECT_EQ(macs_under(g, "decoder.mid_block.attentions.0"),
            4LL * 4096 * 512 * 512 + 2LL * 4096 * 4096 * 512);
  EXPECT_EQ(attention_macs(g), 2 * (2LL * 4096 * 4096 * 512));
}

TEST(ZooVae, ResolutionScalesByHand) {
  // Halving the resolution quarters every conv and linear (all maps halve exactly) and divides
  // the attention matmuls (quadratic in tokens) by 16.
  const Graph full = build("vae:part=decoder");
  const Graph half = build("vae:part=decoder,res=256");
  const int64_t attn = attention_macs(full);
  EXPECT_EQ(half.macs(), (full.macs() - attn) / 4 + attn / 16);
  EXPECT_THROW(build("vae:res=500"), orrery::WorkloadError);
  EXPECT_THROW(build("vae:part=middle"), orrery::WorkloadError);
}

TEST(ZooUnet, MatchesDiffusersSd15) {
  const Graph g = build("unet");
  EXPECT_EQ(g.params(), 859'520'964);
  // conv_in: 64*64 x 320 x 4*9.
  EXPECT_EQ(find_op(g, "conv_in")->macs(), 64LL * 64 * 320 * 36);
  // down_blocks.0.attentions.0: 4096 tokens of 320, 8 heads of 40. Self-attention matmuls
  // 2*8*4096*4096*40; cross-attention to 77 tokens 2*8*4096*77*40.
  const std::string t = "down_blocks.0.attentions.0.transformer_blocks.0";
  EXPECT_EQ(find_op(g, t + ".attn1.attn")->macs(), 2LL * 8 * 4096 * 4096 * 40);
  EXPECT_EQ(find_op(g, t + ".attn2.attn")->macs(), 2LL * 8 * 4096 * 77 * 40);
  // to_k of the cross-attention reads the 77x768 context: 77*768*320 MACs, no bias.
  EXPECT_EQ(find_op(g, t + ".attn2.to_k")->macs(), 77LL * 768 * 320);
  EXPECT_EQ(find_op(g, t + ".attn2.to_k")->params_count(), 768 * 320);
  // up_blocks.3.resnets.0 reads the 640-channel output concatenated with a 320-channel skip.
  EXPECT_EQ(find_op(g, "up_blocks.3.resnets.0.conv1")->get<ConvParams>()->c_in, 960);
}

TEST(ZooUnet, ContextLengthByHand) {
  // context=1 instead of 77: 16 transformer blocks; in each, to_k/to_v read 76 fewer rows and the
  // cross-attention matmuls shrink by 76/77.
  const Graph a = build("unet");
  const Graph b = build("unet:context=1");
  int64_t expected = 0;
  for (const auto& op : a.ops()) {
    if (op.name.ends_with(".attn2.to_k") || op.name.ends_with(".attn2.to_v")) expected += op.macs() / 77 * 76;
    if (op.name.ends_with(".attn2.attn")) expected += op.macs() / 77 * 76;
  }
  EXPECT_EQ(a.macs() - b.macs(), expected);
  EXPECT_EQ(a.params(), b.params());
}

TEST(ZooCli, BadModelExitsTwoNamingIt) {
  auto r = orrery::test::run_cli("simulate --arch configs/systolic/scalesim_google.yaml --model resnet19");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown model 'resnet19'"), std::string::npos) << r.err;
  r = orrery::test::run_cli(
      "simulate --arch configs/systolic/scalesim_google.yaml --model bert_base:seq=4096");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("seq must be in [1, 512]"), std::string::npos) << r.err;
  r = orrery::test::run_cli(
      "simulate --arch configs/systolic/scalesim_google.yaml --model resnet18 --quantize int3");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--quantize: expected int8|int4|fp8, got 'int3'"), std::string::npos) << r.err;
  r = orrery::test::run_cli(
      "simulate --arch configs/systolic/scalesim_google.yaml --model resnet18 --prune density=2");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--prune 'density=2': density must be in (0, 1]"), std::string::npos) << r.err;
  r = orrery::test::run_cli("list models");
  EXPECT_EQ(r.code, 0);
  for (const char* m : {"resnet18", "resnet50", "vgg16", "mobilenet_v2", "efficientnet_b0", "r3d_18",
                        "vit_b_16", "bert_base", "gpt2", "llama2_7b", "gcn", "vae", "unet"})
    EXPECT_NE(r.out.find(m), std::string::npos) << m;
}

TEST(ZooRegistry, DocumentedOptionsAndDefaultsAreTheBuildersOwn) {
  // Every option listed by `orrery list models`, given its documented default, is accepted and
  // changes nothing. (llama2_7b's context applies to phase=decode only.)
  for (const auto& m : zoo::models()) {
    const bool decode_only = m.name == "llama2_7b";
    const std::string base = decode_only ? m.name + ":phase=decode,seq=1" : m.name;
    const Graph ref = build(base);
    for (const auto& o : m.options) {
      if (decode_only && (o.name == "phase" || o.name == "seq")) continue;
      const Graph g = build(base + (base == m.name ? ":" : ",") + o.name + "=" + o.default_value);
      EXPECT_EQ(g.macs(), ref.macs()) << m.name << " " << o.name;
      EXPECT_EQ(g.params(), ref.params()) << m.name << " " << o.name;
    }
  }
}

TEST(ZooCli, PassesApplyToTheLoadedGraph) {
  // One BERT layer without pooler, every linear factored at rank 64 (hand count as in
  // passes_low_rank_test: embeddings 23,837,184 + LayerNorms 3,072 + 4 x (768*64*2 + 768) +
  // 64*(768+3072) + 3072 + 64*(3072+768) + 768).
  auto r = orrery::test::run_cli(
      "simulate --arch configs/systolic/scalesim_google.yaml --model bert_base:layers=1,pooler=0 "
      "--low-rank rank=64 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["workload"]["params"].get<int64_t>(), 23'837'184 + 3'072 + 396'288 + 495'360);
  // 18 ops + one extra per factored linear (6) + transformers' 8-op position/mask preamble.
  EXPECT_EQ(j["workload"]["ops"].get<int64_t>(), 24 + 8);
}
