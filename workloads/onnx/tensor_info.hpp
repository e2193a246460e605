#pragma once
// What the importer knows about each ONNX tensor: its static shape and element type, its value
// when that is known at import time (constants and folded shape plumbing), and whether it is a
// parameter (an initializer, or a view of one).
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace orrery::workloads::onnx {

// A tensor value known at import time. Integer and bool types keep exact int64 values (Slice
// ends of INT64_MAX must survive); floating types keep doubles.
struct ConstValue {
  int32_t elem_type = 0;  // onnx::TensorProto_DataType
  std::vector<int64_t> dims;
  std::vector<int64_t> ints;
  std::vector<double> reals;

  bool is_real() const;
  int64_t numel() const;
  double real_at(size_t i) const { return is_real() ? reals.at(i) : static_cast<double>(ints.at(i)); }
  int64_t int_at(size_t i) const { return is_real() ? static_cast<int64_t>(reals.at(i)) : ints.at(i); }
};

struct TensorInfo {
  std::vector<int64_t> shape;
  int32_t elem_type = 0;
  bool is_constant = false;         // independent of the graph inputs (no op computes it at run time)
  std::optional<ConstValue> value;  // known value (constants only)
  std::string weight_source;        // the initializer this tensor is or views; empty otherwise

  int64_t numel() const;
};

using TensorTable = std::unordered_map<std::string, TensorInfo>;

bool is_float_type(int32_t elem_type);

}  // namespace orrery::workloads::onnx
