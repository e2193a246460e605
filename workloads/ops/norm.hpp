#pragma once
// Normalization over `rows` independent groups of `cols` elements (layer/rms: a row per token;
// batch (inference): per-channel scale/shift; group: a row per (sample, group)).
// training: the forward of a training step; it also writes the statistics the backward needs
// (mean and rstd, fp32; rms: rstd only), per row, per channel for batch norm, which then
// reduces the batch first (a second read of the input).
// backward: in dY, X, the saved statistics (and the scale, if affine); out dX and the scale's
// (and shift's) gradient.
#include <string>

#include "workloads/ops/layout.hpp"
#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct NormParams {
  enum class Type { batch, layer, group, rms };
  Type type = Type::layer;
  int64_t rows = 1, cols = 1;
  int64_t channels = 0;      // length of the learned scale (and shift, except rms); 0 = not affine
  int64_t spatial_dims = 0;  // batch norm: 2 or 3 (image or volume; picks PyTorch's kernel), 0 = unknown
  bool training = false;
  bool backward = false;
  // Batch norm: the activation's memory layout (PyTorch picks a different kernel for each);
  // unset = the software stack's default.
  ConvLayout layout = ConvLayout::unset;

  int64_t stat_count() const { return type == Type::batch && channels > 0 ? channels : rows; }
  int stat_tensors() const { return type == Type::rms ? 1 : 2; }

  int64_t macs() const { return 0; }
  // forward: mean, var, sub, mul, add per element; backward: the two row sums (dY*xhat, dY)
  // and dX = rstd * (dY*g - mean(dY*g) - xhat*mean(dY*g*xhat)), ~8 per element
  int64_t vector_flops() const { return rows * cols * (backward ? 8 : 5); }
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

std::string_view to_string(NormParams::Type t);

}  // namespace orrery::workloads
