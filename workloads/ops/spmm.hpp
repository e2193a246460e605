#pragma once
// Sparse x dense matrix product for graph aggregation: out[rows, f] = A[rows, cols] X[cols, f]
// with nnz nonzeros in A (CSR: nnz values, nnz column indices, rows+1 row pointers, 4 bytes each).
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct SpmmParams {
  int64_t rows = 1, cols = 1, nnz = 1, features = 1;
  // The gradient of a forward aggregation with respect to its features, dX = A^T dY (rows and
  // cols already swapped): the same product, but frameworks run it with other kernels (PyG: the
  // scatter's backward gathers dY, index_select's backward scatters with index_add_).
  bool backward = false;

  int64_t macs() const;
  int64_t vector_flops() const { return 0; }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
