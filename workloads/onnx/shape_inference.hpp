#pragma once
// Static shapes, node by node: ONNX's own per-operator type-and-shape inference functions (the
// ones onnx::shape_inference::InferShapes runs) are called in topological order with the
// values folded so far as their constant inputs, so Reshape/Slice/Expand/Resize whose shape
// inputs come from folded Shape->Gather->Concat sub-graphs get static output shapes.
#include <string>
#include <vector>

#include "workloads/onnx/tensor_info.hpp"

namespace onnx {
class NodeProto;
}

namespace orrery::workloads::onnx {

struct InferredOutput {
  bool known = false;  // the element type and every dimension are known
  int32_t elem_type = 0;
  std::vector<int64_t> shape;
};

// One entry per node output (empty optional outputs are reported not known). Throws
// WorkloadError(`where` ...) if the operator has no schema at `opset` or its inference fails.
std::vector<InferredOutput> infer_node(const ::onnx::NodeProto& node, const TensorTable& tensors, int opset,
                                       const std::string& where);

}  // namespace orrery::workloads::onnx
