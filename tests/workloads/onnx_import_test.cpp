// ONNX import on the small models of tests/data/onnx (made by make_test_models.py there). Every
// expected number is worked out by hand in the comment beside it from the layer shapes the
// generator script writes; none comes from running the importer.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "common/error.hpp"
#include "tests/support/run_cli.hpp"
#include "workloads/onnx/import.hpp"

using namespace orrery;
using namespace orrery::workloads;

namespace {

std::string data_file(const std::string& name) {
  return std::string(ORRERY_SOURCE_DIR) + "/tests/data/onnx/" + name;
}

Graph import(const std::string& name, onnx::ImportOptions options = {}) {
  return onnx::import_file(data_file(name), options);
}

const Op& find(const Graph& g, const std::string& name) {
  for (const auto& op : g.ops())
    if (op.name == name) return op;
  throw std::runtime_error("no op " + name);
}

std::map<OpKind, int> kind_counts(const Graph& g) {
  std::map<OpKind, int> n;
  for (const auto& op : g.ops()) ++n[op.kind()];
  return n;
}

std::string import_error(const std::string& path) {
  try {
    onnx::import_file(path);
  } catch (const WorkloadError& e) {
    return e.what();
  }
  return "no error";
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace

TEST(OnnxImport, CnnLayersByHand) {
  const Graph g = import("cnn.onnx");
  // conv1: 3->4, 3x3, pad 1 on 8x8: 8*8 * 4 * 3*9 = 6912 MACs; 4*3*9 + 4 bias = 112 params.
  EXPECT_EQ(find(g, "conv1").macs(), 6912);
  EXPECT_EQ(find(g, "conv1").params_count(), 112);
  // grouped (2 groups of 2 channels) dilated (2) 3x3, pad 2: output stays 8x8;
  // 8*8 * 4 * 2*9 = 4608 MACs; 4*2*9 = 72 params.
  const auto* c2 = find(g, "conv2_grouped_dilated").get<ConvParams>();
  ASSERT_NE(c2, nullptr);
  EXPECT_EQ(c2->groups, 2);
  EXPECT_EQ(c2->out()[1], 8);
  EXPECT_EQ(find(g, "conv2_grouped_dilated").macs(), 4608);
  EXPECT_EQ(find(g, "conv2_grouped_dilated").params_count(), 72);
  // SAME_UPPER, stride 2: 8 -> ceil(8/2) = 4, total pad (4-1)*2+3-8 = 1 -> begin 0, end 1;
  // 4*4 * 8 * 4*9 = 4608 MACs; 8*4*9 + 8 = 296 params.
  const auto* c3 = find(g, "conv3_same").get<ConvParams>();
  EXPECT_EQ(c3->pad_begin[1], 0);
  EXPECT_EQ(c3->pad_end[1], 1);
  EXPECT_EQ(find(g, "conv3_same").macs(), 4608);
  EXPECT_EQ(find(g, "conv3_same").params_count(), 296);
  // ConvTranspose 8->4, 2x2, stride 2: 4x4 -> (4-1)*2+2 = 8x8; counted from the input side:
  // 4*4 * 8 * 4 * 2*2 = 2048 MACs; 8*4*2*2 + 4 = 132 params.
  const auto* d = find(g, "deconv").get<ConvParams>();
  EXPECT_TRUE(d->transposed);
  EXPECT_EQ(find(g, "deconv").macs(), 2048);
  EXPECT_EQ(find(g, "deconv").params_count(), 132);
  // BN over 4 channels: gamma + beta = 8 (running mean/var are buffers, not parameters).
  EXPECT_EQ(find(g, "bn").params_count(), 8);
  EXPECT_EQ(find(g, "bn").get<NormParams>()->type, NormParams::Type::batch);
  // MaxPool 2/2: 8x8 -> 4x4; AveragePool 3x3 pad 1: 4x4; global: 1x1.
  EXPECT_EQ(find(g, "maxpool").get<PoolParams>()->out()[1], 4);
  EXPECT_EQ(find(g, "avgpool").get<PoolParams>()->out()[2], 4);
  EXPECT_EQ(find(g, "gap").get<PoolParams>()->kernel[1], 4);
  // Flatten is a view; Gemm transB: M=1, K=4, N=10: 40 MACs, 40 + 10 params.
  EXPECT_TRUE(find(g, "flatten").get<DataMovementParams>()->is_view());
  EXPECT_EQ(find(g, "fc").macs(), 40);
  EXPECT_EQ(find(g, "fc").params_count(), 50);
  EXPECT_TRUE(find(g, "fc").get<GemmParams>()->b_is_weight);
  // Totals: 6912+4608+4608+2048+40 = 18216 MACs; 112+72+296+132+8+50 = 670 params.
  EXPECT_EQ(g.macs(), 18216);
  EXPECT_EQ(g.params(), 670);
  EXPECT_EQ(g.size(), 11u);
  EXPECT_EQ(g.name(), "cnn");
}

TEST(OnnxImport, EdgesFollowTheDataflow) {
  const Graph g = import("cnn.onnx");
  // A chain of 11 ops: 10 edges, each from op i to op i+1 in some topological order.
  ASSERT_EQ(g.edges().size(), 10u);
  for (auto [p, c] : g.edges()) EXPECT_LT(p, c);
  // The consumer's input is named after the producer's output (the ONNX tensor name).
  const Op& relu = find(g, "relu");
  EXPECT_EQ(relu.inputs.at(0).name, "bn");
  EXPECT_EQ(relu.outputs.at(0).name, "r");
}

TEST(OnnxImport, SymbolicBatchTakesTheBatchOption) {
  // Every layer scales with the batch; parameters do not: 3 * 18216 MACs.
  const Graph g = import("cnn.onnx", {std::nullopt, 3});
  EXPECT_EQ(g.macs(), 3 * 18216);
  EXPECT_EQ(g.params(), 670);
}

TEST(OnnxImport, WeightsPresentStrippedOrExternalGiveTheSameCounts) {
  // Same model written with zero-filled data, shape-only, and external data in a missing file:
  // shapes come from the initializer dims, so all three import alike.
  for (const char* f : {"cnn_weights.onnx", "cnn_external.onnx"}) {
    const Graph g = import(f);
    EXPECT_EQ(g.macs(), 18216) << f;
    EXPECT_EQ(g.params(), 670) << f;
    EXPECT_EQ(g.size(), 11u) << f;
  }
}

TEST(OnnxImport, DtypeOptionOverridesTheFileTypes) {
  EXPECT_EQ(import("cnn.onnx").ops().front().dtype, DType::fp32);  // the file is float32
  const Graph g = import("cnn.onnx", {DType::int8, 1});
  for (const auto& op : g.ops()) EXPECT_EQ(op.dtype, DType::int8) << op.name;
}

TEST(OnnxImport, Conv1dAnd3d) {
  const Graph g = import("conv_1d_3d.onnx");
  // 1-D: 16 -> (16-3)/2+1 = 7 outputs; 7 * 8 * 4*3 = 672 MACs; 8*4*3 = 96 params.
  EXPECT_EQ(find(g, "conv1d").get<ConvParams>()->rank, 1);
  EXPECT_EQ(find(g, "conv1d").macs(), 672);
  EXPECT_EQ(find(g, "conv1d").params_count(), 96);
  // 3-D: 4x8x8 kept by pad 1; 256 * 4 * 2*27 = 55296 MACs; 4*2*27 = 216 params.
  EXPECT_EQ(find(g, "conv3d").get<ConvParams>()->rank, 3);
  EXPECT_EQ(find(g, "conv3d").macs(), 55296);
  EXPECT_EQ(find(g, "conv3d").params_count(), 216);
}

TEST(OnnxImport, GemmTransposeFlags) {
  const Graph g = import("gemm_trans.onnx");
  // transA on x[4,3]: M=3, K=4; W[4,6]: N=6 -> 72 MACs; 24 + 6 bias params.
  const auto* a = find(g, "gemm_ta").get<GemmParams>();
  EXPECT_EQ(a->m, 3);
  EXPECT_EQ(a->k, 4);
  EXPECT_EQ(a->n, 6);
  EXPECT_TRUE(a->bias);
  EXPECT_EQ(find(g, "gemm_ta").params_count(), 30);
  // y[3,6]^T x x[4,3]^T: M=6, K=3, N=4 -> 72 MACs, both operands activations.
  const auto* b = find(g, "gemm_act").get<GemmParams>();
  EXPECT_EQ(b->m * b->n * b->k, 72);
  EXPECT_FALSE(b->b_is_weight);
  EXPECT_EQ(find(g, "gemm_act").params_count(), 0);
  EXPECT_EQ(g.edges().size(), 1u);  // gemm_ta -> gemm_act (x is a graph input)
}

TEST(OnnxImport, TransformerBlockWithShapePlumbing) {
  const Graph g = import("transformer.onnx");
  // Projections q, k, v, o: M=6 tokens, K=8, N=8 -> 384 MACs each, B a weight.
  for (const char* p : {"q_proj", "k_proj", "v_proj", "o_proj"}) {
    EXPECT_EQ(find(g, p).macs(), 384) << p;
    EXPECT_TRUE(find(g, p).get<GemmParams>()->b_is_weight) << p;
    EXPECT_EQ(find(g, p).params_count(), 64) << p;
  }
  // The bias adds are elementwise ops holding the 8-element bias.
  EXPECT_EQ(find(g, "q_bias").get<ElementwiseParams>()->weight_numel, 8);
  // Reshape to heads uses the folded Shape->Gather->Concat value [1,6,2,4]: a view.
  EXPECT_TRUE(find(g, "q_reshape").get<DataMovementParams>()->is_view());
  EXPECT_EQ(find(g, "q_reshape").outputs.at(0).shape, (std::vector<int64_t>{1, 6, 2, 4}));
  // QK^T: batch 1*2 heads, M=6, K=4, N=6 -> 288; PV: batch 2, M=6, K=6, N=4 -> 288.
  const auto* qk = find(g, "qk").get<GemmParams>();
  EXPECT_EQ(qk->batch, 2);
  EXPECT_FALSE(qk->b_is_weight);
  EXPECT_EQ(find(g, "qk").macs(), 288);
  EXPECT_EQ(find(g, "pv").macs(), 288);
  // The causal mask (Range, ConstantOfShape, LessOrEqual, And, Slice x2, Equal) folds away;
  // the Where applying it is an elementwise op over the 2*6*6 scores.
  for (const char* folded :
       {"range", "tri", "ones", "mask_and", "mask_rows", "mask_cols", "keep", "shape", "g_seq"})
    EXPECT_THROW(find(g, folded), std::runtime_error) << folded;
  EXPECT_EQ(find(g, "apply_mask").get<ElementwiseParams>()->fn, "where");
  EXPECT_EQ(find(g, "apply_mask").get<ElementwiseParams>()->numel, 72);
  // Softmax over the last axis: 2*6 rows of 6.
  EXPECT_EQ(find(g, "softmax").get<SoftmaxParams>()->rows, 12);
  EXPECT_EQ(find(g, "softmax").get<SoftmaxParams>()->cols, 6);
  // LayerNormalization: 6 rows of 8, gamma + beta = 16 params.
  EXPECT_EQ(find(g, "ln1").get<NormParams>()->type, NormParams::Type::layer);
  EXPECT_EQ(find(g, "ln1").params_count(), 16);
  // The decomposed LayerNorm (ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, Mul gamma,
  // Add beta) is recognized and lowered to one layer norm named after its first node, holding
  // gamma + beta = 16 params; none of its nine nodes appears on its own.
  const auto* ln2 = find(g, "ln2_mean").get<NormParams>();
  ASSERT_NE(ln2, nullptr);
  EXPECT_EQ(ln2->type, NormParams::Type::layer);
  EXPECT_EQ(ln2->rows, 6);
  EXPECT_EQ(ln2->cols, 8);
  EXPECT_EQ(find(g, "ln2_mean").params_count(), 16);
  EXPECT_EQ(find(g, "ln2_mean").outputs.at(0).name, "ln2");
  for (const char* fused :
       {"ln2_sub", "ln2_pow", "ln2_var", "ln2_eps", "ln2_sqrt", "ln2_div", "ln2_scale", "ln2_shift"})
    EXPECT_THROW(find(g, fused), std::runtime_error) << fused;
  EXPECT_EQ(find(g, "ffn1").inputs.at(0).name, "ln2");
  // FFN: 6x8x16 = 768 and 6x16x8 = 768 MACs; GELU in Erf form and SiLU as Sigmoid*Mul.
  EXPECT_EQ(find(g, "ffn1").macs(), 768);
  EXPECT_EQ(find(g, "ffn2").macs(), 768);
  EXPECT_EQ(find(g, "gelu_erf").get<ElementwiseParams>()->fn, "erf");
  EXPECT_EQ(find(g, "silu_sigmoid").get<ElementwiseParams>()->fn, "sigmoid");
  // Einsum bid,bjd->bij: batch 1, M=6, N=6, K=8 -> 288 MACs.
  EXPECT_EQ(find(g, "einsum").macs(), 288);
  // Totals: 4*384 + 2*288 + 2*768 + 288 = 3936 MACs;
  // 4*(64+8) + 16 + 16 + (128+16) + (128+8) = 600 params.
  EXPECT_EQ(g.macs(), 3936);
  EXPECT_EQ(g.params(), 600);
}

TEST(OnnxImport, TransformerBatchFlowsThroughFoldedShapes) {
  // The batch enters the Reshape targets through Shape(x): batch 2 doubles every layer.
  const Graph g = import("transformer.onnx", {std::nullopt, 2});
  EXPECT_EQ(g.macs(), 2 * 3936);
  EXPECT_EQ(find(g, "qk").get<GemmParams>()->batch, 4);
}

TEST(OnnxImport, DataMovementAndActivations) {
  const Graph g = import("movement.onnx");
  using Kind = DataMovementParams::Kind;
  EXPECT_EQ(find(g, "relu6").get<ElementwiseParams>()->fn, "relu6");  // Clip(0, 6)
  EXPECT_EQ(find(g, "hardswish").get<ElementwiseParams>()->fn, "hardswish");
  EXPECT_EQ(find(g, "leaky").get<ElementwiseParams>()->fn, "leaky_relu");
  // Per-channel scale [4,1,1] broadcast over [1,4,6,6]: 144 elements, 4 parameters.
  EXPECT_EQ(find(g, "chan_scale").get<ElementwiseParams>()->numel, 144);
  EXPECT_EQ(find(g, "chan_scale").params_count(), 4);
  // Pad 6x6 -> 8x8; Resize x2 -> 16x16: 4*16*16 = 1024 elements.
  EXPECT_EQ(find(g, "pad").get<DataMovementParams>()->out_numel, 4 * 8 * 8);
  EXPECT_EQ(find(g, "resize").get<DataMovementParams>()->kind, Kind::upsample);
  EXPECT_EQ(find(g, "resize").get<DataMovementParams>()->out_numel, 1024);
  // Split [1,3] along channels: one op per output, 256 and 768 elements.
  EXPECT_EQ(find(g, "split:0").get<DataMovementParams>()->out_numel, 256);
  EXPECT_EQ(find(g, "split:1").get<DataMovementParams>()->out_numel, 768);
  EXPECT_EQ(find(g, "concat").get<DataMovementParams>()->in_numels, (std::vector<int64_t>{768, 256}));
  // Slice 2:14 of the last axis: 4*16*12 = 768.
  EXPECT_EQ(find(g, "slice").get<DataMovementParams>()->out_numel, 768);
  EXPECT_TRUE(find(g, "unsqueeze").get<DataMovementParams>()->is_view());
  EXPECT_TRUE(find(g, "squeeze").get<DataMovementParams>()->is_view());
  EXPECT_EQ(find(g, "transpose").get<DataMovementParams>()->kind, Kind::transpose);
  // ReduceMean over axis 2 of [1,4,12,16]: 768 -> 64.
  EXPECT_EQ(find(g, "reduce_mean").get<ReduceParams>()->in_numel, 768);
  EXPECT_EQ(find(g, "reduce_mean").get<ReduceParams>()->out_numel, 64);
  // Gather of 2 channels on an activation: data movement, 2*12*16 = 384 out.
  EXPECT_EQ(find(g, "gather_channels").get<DataMovementParams>()->kind, Kind::gather);
  EXPECT_EQ(find(g, "gather_channels").get<DataMovementParams>()->out_numel, 384);
  // Expand to [2,1,2,12,16]: 768 elements written.
  EXPECT_EQ(find(g, "expand").get<DataMovementParams>()->out_numel, 768);
  // [1,4,12,16] x W[16,3]: leading dims fold into M = 48: 48*3*16 = 2304 MACs, 48 params.
  const auto* mm = find(g, "matmul_broadcast_weight").get<GemmParams>();
  EXPECT_EQ(mm->m, 48);
  EXPECT_EQ(mm->batch, 1);
  EXPECT_EQ(g.macs(), 2304);
  EXPECT_EQ(g.params(), 4 + 48);
}

TEST(OnnxImport, EmbeddingsFromGatherOnTables) {
  const Graph g = import("embedding.onnx");
  // Token table [10,8] read at 5 ids; position table [16,8] read at Range(0,5).
  const auto* tok = find(g, "tok_embed").get<EmbeddingParams>();
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(tok->lookups, 5);
  EXPECT_EQ(tok->vocab, 10);
  EXPECT_EQ(tok->dim, 8);
  EXPECT_EQ(find(g, "pos_embed").get<EmbeddingParams>()->lookups, 5);
  // Params: 80 + 128; the Range folds away.
  EXPECT_EQ(g.params(), 208);
  EXPECT_EQ(kind_counts(g)[OpKind::embedding], 2);
  EXPECT_EQ(g.size(), 4u);
}

TEST(OnnxImport, TiedWeightsCountOnce) {
  const Graph g = import("tied.onnx");
  // The [10,8] table: 80 parameters, counted by the embedding; the transposed view is no op;
  // the LM head reads the table as an input: M=5, K=8, N=10 -> 400 MACs, no new parameters.
  EXPECT_EQ(g.params(), 80);
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(find(g, "lm_head").macs(), 400);
  EXPECT_FALSE(find(g, "lm_head").get<GemmParams>()->b_is_weight);
  EXPECT_EQ(find(g, "lm_head").params_count(), 0);
}

TEST(OnnxImport, UpsampleAtOpset9) {
  const Graph g = import("upsample_opset9.onnx");
  // [1,2,3,3] x2 -> [1,2,6,6] = 72 elements.
  EXPECT_EQ(find(g, "upsample").get<DataMovementParams>()->out_numel, 72);
}

TEST(OnnxImport, UnsupportedOpNamesNodeAndType) {
  EXPECT_EQ(import_error(data_file("unsupported.onnx")),
            "--onnx " + data_file("unsupported.onnx") + ": node 'the_hardmax' (op Hardmax): not supported");
}

TEST(OnnxImport, OnlyTheBatchMayBeSymbolic) {
  EXPECT_EQ(
      import_error(data_file("symbolic_seq.onnx")),
      "--onnx " + data_file("symbolic_seq.onnx") +
          ": input 'x' dimension 1 ('seq') is not static: only the batch (first) dimension may be symbolic");
}

TEST(OnnxImport, BatchOptionOnAFixedBatchFileIsAnError) {
  try {
    import("conv_1d_3d.onnx", {std::nullopt, 2});
    FAIL() << "expected an error";
  } catch (const WorkloadError& e) {
    EXPECT_NE(std::string(e.what()).find("--batch 2: the model's inputs have a fixed batch size"),
              std::string::npos)
        << e.what();
  }
}

TEST(OnnxImport, CycleIsAnError) {
  const std::string msg = import_error(data_file("cyclic.onnx"));
  EXPECT_NE(msg.find("cycle"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cyclic.onnx"), std::string::npos) << msg;
}

TEST(OnnxImport, MissingFile) {
  const std::string msg = import_error("/nonexistent/model.onnx");
  EXPECT_NE(msg.find("--onnx /nonexistent/model.onnx: cannot open"), std::string::npos) << msg;
}

TEST(OnnxImport, NonOnnxFile) {
  const std::string path = write_temp("not_a_model.onnx", "name,value\nthis is a csv file,1\n");
  const std::string msg = import_error(path);
  EXPECT_NE(msg.find("--onnx " + path + ": not an ONNX model"), std::string::npos) << msg;
}

TEST(OnnxImport, TruncatedFile) {
  std::ifstream in(data_file("transformer.onnx"), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  for (size_t cut : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 7}) {
    const std::string path = write_temp("truncated.onnx", bytes.substr(0, cut));
    const std::string msg = import_error(path);
    EXPECT_NE(msg.find("--onnx " + path + ":"), std::string::npos) << cut << ": " << msg;
  }
}

TEST(OnnxImport, CliReportsTheImportedWorkload) {
  // The JSON workload section carries the import's counts (hand-derived above: 670 params,
  // 18216 MACs at batch 1, 11 ops).
  const auto r = test::run_cli(
      "simulate --arch configs/systolic/tpu_v1.yaml --onnx tests/data/onnx/cnn.onnx --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"params\": 670"), std::string::npos) << r.out.substr(0, 400);
  EXPECT_NE(r.out.find("\"macs\": 18216"), std::string::npos) << r.out.substr(0, 400);
  EXPECT_NE(r.out.find("\"ops\": 11"), std::string::npos) << r.out.substr(0, 400);
}

TEST(OnnxImport, CliExitsTwoOnABadFile) {
  const auto r =
      test::run_cli("simulate --arch configs/systolic/tpu_v1.yaml --onnx tests/data/onnx/unsupported.onnx");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("node 'the_hardmax' (op Hardmax): not supported"), std::string::npos) << r.err;
  const auto m = test::run_cli("simulate --arch configs/systolic/tpu_v1.yaml --onnx /nonexistent.onnx");
  EXPECT_EQ(m.code, 2) << m.err;
  EXPECT_NE(m.err.find("/nonexistent.onnx"), std::string::npos) << m.err;
}
