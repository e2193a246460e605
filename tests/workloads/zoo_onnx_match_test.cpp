// The zoo builders against the ONNX importer on the shape-only exports of the same PyTorch
// models (workloads/onnx_models/, made by workloads/onnx_models/export.py): per-layer MACs agree.
// Names differ (ONNX node names vs module paths), so the layers are compared as sorted lists of
// per-layer MACs by category: convolutions, weight GEMMs (linear layers), and the attention
// matmuls (fused ops in the zoo, MatMul pairs in the exports: compared as a total).
// Parameters differ by design: the exports fold BatchNorm into the convs (see that README).
#include <gtest/gtest.h>

#include <algorithm>

#include "workloads/onnx/import.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;

namespace {

struct LayerMacs {
  std::vector<int64_t> conv, linear;
  int64_t activation_matmul = 0;  // attention matmuls (QK^T, AV), fused or not
};

LayerMacs layer_macs(const Graph& g) {
  LayerMacs m;
  for (const auto& op : g.ops()) {
    if (op.kind() == OpKind::conv) m.conv.push_back(op.macs());
    if (const auto* p = op.get<GemmParams>()) {
      if (p->b_is_weight)
        m.linear.push_back(op.macs());
      else
        m.activation_matmul += op.macs();
    }
    if (op.kind() == OpKind::attention) m.activation_matmul += op.macs();
  }
  std::sort(m.conv.begin(), m.conv.end());
  std::sort(m.linear.begin(), m.linear.end());
  return m;
}

void expect_same_layers(const std::string& file, const std::string& spec) {
  const Graph onnx = onnx::import_file(std::string(ORRERY_SOURCE_DIR) + "/workloads/onnx_models/" + file);
  const Graph zoo = zoo::build_model(spec, {1, DType::fp16});
  const LayerMacs a = layer_macs(onnx), b = layer_macs(zoo);
  EXPECT_EQ(a.conv, b.conv) << file;
  EXPECT_EQ(a.linear, b.linear) << file;
  EXPECT_EQ(a.activation_matmul, b.activation_matmul) << file;
  EXPECT_EQ(onnx.macs(), zoo.macs()) << file;
}

}  // namespace

TEST(ZooVsOnnx, Resnet18) { expect_same_layers("resnet18.onnx", "resnet18"); }
TEST(ZooVsOnnx, Resnet50) { expect_same_layers("resnet50.onnx", "resnet50"); }
TEST(ZooVsOnnx, MobilenetV2) { expect_same_layers("mobilenet_v2.onnx", "mobilenet_v2"); }
TEST(ZooVsOnnx, R3d18) { expect_same_layers("r3d_18.onnx", "r3d_18"); }
TEST(ZooVsOnnx, VitB16) { expect_same_layers("vit_b_16.onnx", "vit_b_16"); }
// The BERT export ends at last_hidden_state (no pooler); the GPT-2 export has no LM head.
TEST(ZooVsOnnx, BertBase) { expect_same_layers("bert_base.onnx", "bert_base:pooler=0"); }
TEST(ZooVsOnnx, Gpt2) { expect_same_layers("gpt2.onnx", "gpt2:lm_head=0"); }
