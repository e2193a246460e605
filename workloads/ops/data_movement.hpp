#pragma once
// Ops that only move or reshape data. Views (reshape, flatten, squeeze, unsqueeze) move no
// bytes on any architecture; the others read their inputs and write their output once.
#include <string>
#include <vector>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct DataMovementParams {
  // select: one contiguous part of the input taken as a view (tensor[i] of a packed [n, ...]
  // tensor): no kernel, but its gradient is a zero tensor of the input's size with dY copied in.
  enum class Kind { reshape, transpose, concat, split, slice, pad, upsample, copy, gather, select };
  Kind kind = Kind::copy;
  std::vector<int64_t> in_numels{1};  // one entry per input (concat has several)
  int64_t out_numel = 1;

  bool is_view() const { return kind == Kind::reshape || kind == Kind::select; }
  int64_t macs() const { return 0; }
  int64_t vector_flops() const { return 0; }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

std::string_view to_string(DataMovementParams::Kind k);

}  // namespace orrery::workloads
