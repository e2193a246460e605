// The shape-only exports of workloads/onnx_models/ (see its README) against PyTorch's own counts
// (tests/data/zoo_reference.json, made by tests/data/zoo_reference.py with forward hooks) and
// against the zoo builders, layer by layer. A test skips, naming the file, when a model file or
// the reference is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "workloads/onnx/import.hpp"
#include "workloads/zoo/registry.hpp"

using namespace orrery::workloads;

namespace {

struct Expected {
  const char* file;       // in workloads/onnx_models/
  const char* reference;  // key in zoo_reference.json
  const char* zoo_spec;   // the zoo builder with the same layers
  // Parameters the ONNX graph lacks against PyTorch's count, derived by hand:
  //  * CNNs: the TorchScript exporter folds each BatchNorm into the conv before it, so BN's
  //    gamma + beta (2C) become one conv bias (C): the graph has C fewer per BN. C summed over
  //    all BNs: resnet18 and r3d_18 64 + 4*64 + (4*128+128) + (4*256+256) + (4*512+512) = 4800;
  //    resnet50 64 + (3*384+256) + (4*768+512) + (6*1536+1024) + (3*3072+2048) = 26560;
  //    mobilenet_v2 32 + 48 + 528 + 1152 + 2944 + 3360 + 5472 + 2240 + 1280 = 17056 (per
  //    inverted-residual block: 6*in twice + out; t=1 block 32 + 16; last conv 1280).
  //  * bert_base: the file ends at last_hidden_state, without the pooler (768*768 + 768).
  int64_t params_missing;
  int64_t macs_missing;  // bert_base: the pooler's 768*768 MACs
};

const Expected kModels[] = {
    {"resnet18.onnx", "resnet18", "resnet18", 4800, 0},
    {"resnet50.onnx", "resnet50", "resnet50", 26560, 0},
    {"mobilenet_v2.onnx", "mobilenet_v2", "mobilenet_v2", 17056, 0},
    {"r3d_18.onnx", "r3d_18", "r3d_18", 4800, 0},
    {"vit_b_16.onnx", "vit_b_16", "vit_b_16", 0, 0},
    {"bert_base.onnx", "bert_base", "bert_base:seq=128,pooler=0", 768 * 768 + 768, 768 * 768},
    {"gpt2.onnx", "gpt2_seq128", "gpt2:seq=128,lm_head=0", 0, 0},
};

void PrintTo(const Expected& e, std::ostream* os) { *os << e.file; }

std::string model_path(const char* file) {
  return std::string(ORRERY_SOURCE_DIR) + "/workloads/onnx_models/" + file;
}

// Per-op MACs of every op that does any, sorted; a fused attention op counts as its two matmuls
// (QK^T and AV, equal halves), the way an ONNX export spells it.
std::vector<int64_t> mac_layers(const Graph& g) {
  std::vector<int64_t> v;
  for (const auto& op : g.ops()) {
    if (op.macs() == 0) continue;
    if (op.kind() == OpKind::attention) {
      v.push_back(op.macs() / 2);
      v.push_back(op.macs() - op.macs() / 2);
    } else {
      v.push_back(op.macs());
    }
  }
  std::sort(v.begin(), v.end());
  return v;
}

class OnnxModel : public ::testing::TestWithParam<Expected> {};

}  // namespace

TEST_P(OnnxModel, ParamsAndMacsMatchPyTorch) {
  const Expected& e = GetParam();
  const std::string ref_path = std::string(ORRERY_SOURCE_DIR) + "/tests/data/zoo_reference.json";
  if (!std::filesystem::exists(model_path(e.file))) GTEST_SKIP() << "missing " << model_path(e.file);
  if (!std::filesystem::exists(ref_path)) GTEST_SKIP() << "missing " << ref_path;
  const auto ref = nlohmann::json::parse(std::ifstream(ref_path))["models"][e.reference];
  ASSERT_FALSE(ref.is_null()) << e.reference << " not in " << ref_path;
  const Graph g = onnx::import_file(model_path(e.file));
  const int64_t ref_params = ref["params"].get<int64_t>();
  const int64_t ref_macs = ref["macs"]["total"].get<int64_t>();
  std::cout << e.file << ": " << g.size() << " ops, params " << g.params() << " (PyTorch " << ref_params
            << "), MACs " << g.macs() << " (PyTorch " << ref_macs << ")\n";
  EXPECT_EQ(g.params(), ref_params - e.params_missing);
  EXPECT_EQ(g.macs(), ref_macs - e.macs_missing);
}

TEST_P(OnnxModel, SameLayerMacsAsTheZooBuilder) {
  const Expected& e = GetParam();
  if (!std::filesystem::exists(model_path(e.file))) GTEST_SKIP() << "missing " << model_path(e.file);
  Graph zoo_graph;
  try {
    zoo_graph = zoo::build_model(e.zoo_spec, {1, DType::fp32});
  } catch (const std::exception& ex) {
    GTEST_SKIP() << "zoo model " << e.zoo_spec << " not available: " << ex.what();
  }
  const Graph g = onnx::import_file(model_path(e.file));
  EXPECT_EQ(g.macs(), zoo_graph.macs()) << e.zoo_spec;
  EXPECT_EQ(mac_layers(g), mac_layers(zoo_graph)) << e.zoo_spec;
}

INSTANTIATE_TEST_SUITE_P(Exports, OnnxModel, ::testing::ValuesIn(kModels),
                         [](const auto& info) { return std::string(info.param.reference); });
