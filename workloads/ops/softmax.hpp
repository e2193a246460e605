#pragma once
// Softmax over the last axis: `rows` independent rows of `cols` elements.
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct SoftmaxParams {
  int64_t rows = 1, cols = 1;

  int64_t macs() const { return 0; }
  int64_t vector_flops() const { return rows * cols * 5; }  // max, sub, exp, sum, div
  OpTensors tensors(DType dt) const { return {{{"", {rows, cols}, dt}}, {}, {{"", {rows, cols}, dt}}}; }
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
