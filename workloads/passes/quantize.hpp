#pragma once
// --quantize int8|int4|fp8: weights and activations of the compute ops (GEMM/linear, conv,
// attention, spmm) move to the given format: op.dtype and every tensor of those ops (inputs,
// weights, outputs; the spmm's CSR index arrays stay 32-bit). Their bytes shrink accordingly.
// Norms, softmax, elementwise and data-movement ops keep their format (they run in higher
// precision between quantized layers). Which compute units an architecture may use for a
// format is the architecture's business.
#include <string>

#include "workloads/graph.hpp"

namespace orrery::workloads::passes {

// Parses the --quantize argument: int8, int4, fp8 (= fp8_e4m3) or fp8_e4m3.
DType parse_quantize(const std::string& text);

void quantize(Graph& graph, DType dtype);

}  // namespace orrery::workloads::passes
