#pragma once
// Max/average pooling over 1-3 spatial dims ({D,H,W} as in conv); global pooling is a kernel
// equal to the input.
// backward: dX (the input's shape) from dY; max pooling also reads the argmax indices its
// forward saved (int64 in PyTorch: two 32-bit words per output, [outputs, 2] fp32).
#include <string>

#include "workloads/ops/conv.hpp"

namespace orrery::workloads {

struct PoolParams {
  enum class Mode { max, avg };
  Mode mode = Mode::max;
  int rank = 2;
  int64_t n = 1, c = 1;
  Dims3 in{1, 1, 1};
  Dims3 kernel{1, 1, 1};
  Dims3 stride{1, 1, 1};
  Dims3 pad_begin{0, 0, 0};
  Dims3 pad_end{0, 0, 0};
  bool ceil_mode = false;
  // The activation's memory layout (PyTorch picks a different kernel for each); unset = the
  // software stack's default.
  ConvLayout layout = ConvLayout::unset;
  bool backward = false;

  Dims3 out() const;
  int64_t macs() const { return 0; }
  int64_t vector_flops() const;  // one compare/add per window element per output
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
