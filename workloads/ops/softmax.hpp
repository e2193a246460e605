#pragma once
// Softmax over the last axis: `rows` independent rows of `cols` elements.
// backward: dX = Y * (dY - rowsum(dY * Y)); in Y (the saved output) and dY, out dX.
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct SoftmaxParams {
  int64_t rows = 1, cols = 1;
  bool backward = false;

  int64_t macs() const { return 0; }
  // forward: max, sub, exp, sum, div; backward: mul, sum, sub, mul
  int64_t vector_flops() const { return rows * cols * (backward ? 4 : 5); }
  OpTensors tensors(DType dt) const {
    const Tensor t{"", {rows, cols}, dt};
    if (backward) return {{t, t}, {}, {t}};
    return {{t}, {}, {t}};
  }
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
