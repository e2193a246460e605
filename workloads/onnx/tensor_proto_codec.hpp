#pragma once
// Conversion between ONNX TensorProtos and ConstValue. Only values the importer may need are
// decoded (integer tensors and small float tensors stored in the file); large or external or
// stripped data is never read: shapes always come from the TensorProto dims.
#include <optional>

#include "workloads/onnx/tensor_info.hpp"

namespace onnx {
class TensorProto;
}

namespace orrery::workloads::onnx {

inline constexpr int64_t kMaxDecodedElements = 1 << 16;

// The value stored in `t`, or nullopt when it is absent (stripped), external, too large or of
// a type the importer does not evaluate.
std::optional<ConstValue> decode_tensor(const ::onnx::TensorProto& t);

::onnx::TensorProto encode_tensor(const ConstValue& v);

}  // namespace orrery::workloads::onnx
