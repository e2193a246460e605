#pragma once
// Normalization over `rows` independent groups of `cols` elements (layer/rms: a row per token;
// batch (inference): per-channel scale/shift; group: a row per (sample, group)).
#include <string>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct NormParams {
  enum class Type { batch, layer, group, rms };
  Type type = Type::layer;
  int64_t rows = 1, cols = 1;
  int64_t channels = 0;      // length of the learned scale (and shift, except rms); 0 = not affine
  int64_t spatial_dims = 0;  // batch norm: 2 or 3 (image or volume; picks PyTorch's kernel), 0 = unknown

  int64_t macs() const { return 0; }
  int64_t vector_flops() const { return rows * cols * 5; }  // mean, var, sub, mul, add per element
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

std::string_view to_string(NormParams::Type t);

}  // namespace orrery::workloads
