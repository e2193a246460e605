#pragma once
// Parses a two-operand Einsum equation ("bhid,bhjd->bhij", "...ij,...jk->...ik") against the
// operand shapes. ONNX 1.12's Einsum shape inference gives only the output rank; this gives the
// dims, and the letter classes the matmul lowering needs.
#include <optional>
#include <string>
#include <vector>

namespace orrery::workloads::onnx {

struct EinsumTerms {
  std::string a, b, out;  // letters, "..." expanded into upper-case letters
  std::vector<int64_t> out_shape;
  int64_t batch = 1, m = 1, n = 1, k = 1;  // products over letter classes
  std::string error;                       // non-empty: not a two-operand matmul-like contraction
};

EinsumTerms parse_einsum(const std::string& equation, const std::vector<int64_t>& a_shape,
                         const std::vector<int64_t>& b_shape);

}  // namespace orrery::workloads::onnx
