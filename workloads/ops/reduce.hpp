#pragma once
// Reduction (mean, sum, max) of `in_numel` elements down to `out_numel`.
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct ReduceParams {
  std::string fn = "mean";
  int64_t in_numel = 1, out_numel = 1;

  int64_t macs() const { return 0; }
  int64_t vector_flops() const { return in_numel; }
  OpTensors tensors(DType dt) const { return {{{"", {in_numel}, dt}}, {}, {{"", {out_numel}, dt}}}; }
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
