#pragma once
// Recognizes LayerNorm written out node by node, as older exporters do:
//   m = ReduceMean(x); d = Sub(x, m); v = ReduceMean(Pow(d, 2)); y = Div(d, Sqrt(Add(v, eps)))
//   [y = Mul(y, gamma)] [y = Add(y, beta)]
// over trailing axes, every intermediate used only inside the pattern. The importer lowers a
// match to one NormParams layer op instead of nine elementwise/reduce ops.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "workloads/onnx/tensor_info.hpp"

namespace onnx {
class GraphProto;
}

namespace orrery::workloads::onnx {

using ConsumerMap = std::unordered_map<std::string, std::vector<int>>;  // tensor -> consuming nodes

struct LayerNormMatch {
  std::vector<int> nodes;   // the matched nodes, the ReduceMean first
  std::string input;        // x
  std::string scale, bias;  // parameter tensors, empty when absent
  std::string output;       // the last node's output
  int64_t rows = 1, cols = 1;
};

// Tries to match the pattern starting at node `first` (a ReduceMean).
std::optional<LayerNormMatch> match_layer_norm(const ::onnx::GraphProto& graph, int first,
                                               const ConsumerMap& consumers, const TensorTable& tensors,
                                               int opset);

}  // namespace orrery::workloads::onnx
