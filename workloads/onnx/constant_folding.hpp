#pragma once
// Evaluates the shape-plumbing nodes whose inputs are all known at import time (Constant, Shape,
// Size, Gather, Unsqueeze, Squeeze, Concat, Reshape, Flatten, Slice, Cast, Expand,
// ConstantOfShape, Range, Equal, Where, the arithmetic ops, ...), so attention's
// Shape->Gather->Unsqueeze->Concat->Reshape chains become constants and every tensor gets a
// static shape. Folded nodes become no ops in the orrery graph: they compute nothing at run time.
#include <optional>
#include <string>
#include <vector>

#include "workloads/onnx/tensor_info.hpp"

namespace onnx {
class NodeProto;
}

namespace orrery::workloads::onnx {

// True for op types fold_node can evaluate.
bool is_foldable(const std::string& op_type);

// The values of the node's outputs, or nullopt when it cannot be folded here (an input value
// unknown, an output larger than kMaxDecodedElements, an unsupported attribute combination).
// Shape and Size need only their input's shape. Throws WorkloadError(`where` ...) on
// inconsistent inputs.
std::optional<std::vector<ConstValue>> fold_node(const ::onnx::NodeProto& node, const TensorTable& tensors,
                                                 int opset, const std::string& where);

}  // namespace orrery::workloads::onnx
