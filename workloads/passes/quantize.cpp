#include "workloads/passes/quantize.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::workloads::passes {

DType parse_quantize(const std::string& text) {
  if (text == "int8") return DType::int8;
  if (text == "int4") return DType::int4;
  if (text == "fp8" || text == "fp8_e4m3") return DType::fp8_e4m3;
  throw WorkloadError(fmt::format("--quantize: expected int8|int4|fp8, got '{}'", text));
}

void quantize(Graph& graph, DType dtype) {
  for (Op& op : graph.mutable_ops()) {
    const OpKind k = op.kind();
    if (k != OpKind::gemm && k != OpKind::conv && k != OpKind::attention && k != OpKind::spmm) continue;
    op.dtype = dtype;
    for (size_t i = 0; i < op.inputs.size(); ++i)
      if (!(k == OpKind::spmm && i == 0)) op.inputs[i].dtype = dtype;  // spmm input 0: CSR indices
    for (auto& w : op.weights) w.dtype = dtype;
    for (auto& o : op.outputs) o.dtype = dtype;
  }
}

}  // namespace orrery::workloads::passes
