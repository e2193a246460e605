#include "workloads/training/autocast.hpp"

#include <array>
#include <string_view>

namespace orrery::workloads::training {

AutocastClass autocast_class(const Op& op) {
  switch (op.kind()) {
    case OpKind::gemm:
    case OpKind::conv:
    case OpKind::attention:
      return AutocastClass::lower;
    case OpKind::softmax:
    case OpKind::cross_entropy:
    case OpKind::reduce:
      return AutocastClass::fp32;
    case OpKind::norm:
      return op.get<NormParams>()->type == NormParams::Type::batch ? AutocastClass::promote
                                                                   : AutocastClass::fp32;
    case OpKind::elementwise: {
      // Transcendental and power functions are on autocast's fp32 list.
      static constexpr std::array<std::string_view, 9> kFp32{
          "exp", "log", "pow", "pow_scalar", "rsqrt", "sqrt", "cumsum", "softplus", "reciprocal"};
      for (auto f : kFp32)
        if (op.get<ElementwiseParams>()->fn == f) return AutocastClass::fp32;
      return AutocastClass::promote;
    }
    case OpKind::pool:
    case OpKind::embedding:
    case OpKind::data_movement:
    case OpKind::spmm:
    case OpKind::loop_nest:
    case OpKind::optimizer:
      return AutocastClass::promote;
  }
  return AutocastClass::promote;
}

}  // namespace orrery::workloads::training
