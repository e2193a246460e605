#include "workloads/onnx/tensor_info.hpp"

#include <onnx/onnx_pb.h>

#include "common/checked_math.hpp"

namespace orrery::workloads::onnx {

bool is_float_type(int32_t elem_type) {
  using T = ::onnx::TensorProto;
  return elem_type == T::FLOAT || elem_type == T::DOUBLE || elem_type == T::FLOAT16 ||
         elem_type == T::BFLOAT16;
}

bool ConstValue::is_real() const { return is_float_type(elem_type); }

// Dims come from the file: a product past int64 is bad input (WorkloadError), not UB.
static int64_t product(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (auto d : dims) n = checked_mul(n, d, "ONNX tensor element count");
  return n;
}

int64_t ConstValue::numel() const { return product(dims); }

int64_t TensorInfo::numel() const { return product(shape); }

}  // namespace orrery::workloads::onnx
