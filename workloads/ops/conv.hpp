#pragma once
// Convolution, 1-D/2-D/3-D, grouped, dilated, optionally transposed. Spatial arrays are always
// ordered {D, H, W}; a 2-D conv has D extent 1 (kernel 1, stride 1, no pad), a 1-D conv also H.
#include <array>
#include <cstdint>
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

using Dims3 = std::array<int64_t, 3>;

struct ConvParams {
  int rank = 2;  // 1, 2 or 3 spatial dims
  int64_t n = 1, c_in = 1, c_out = 1;
  Dims3 in{1, 1, 1};
  Dims3 kernel{1, 1, 1};
  Dims3 stride{1, 1, 1};
  Dims3 pad_begin{0, 0, 0};
  Dims3 pad_end{0, 0, 0};
  Dims3 dilation{1, 1, 1};
  Dims3 output_padding{0, 0, 0};  // transposed only
  int64_t groups = 1;
  bool transposed = false;
  bool bias = false;

  Dims3 out() const;
  int64_t out_pixels() const;  // product of out()
  int64_t kernel_volume() const;
  int64_t macs() const;
  int64_t vector_flops() const { return bias ? n * c_out * out_pixels() : 0; }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
