// BatchNormalization, LayerNormalization, InstanceNormalization -> NormParams.
// BatchNormalization counts only its scale and bias (gamma, beta) as parameters: the running
// mean and variance are buffers in PyTorch (torchvision's parameter counts leave them out),
// although ONNX stores them as initializers.
#include <fmt/format.h>

#include "workloads/onnx/lowering/families.hpp"

namespace orrery::workloads::onnx {

void lower_batch_norm(LoweringContext& ctx) {
  const auto& x = ctx.input(0).shape;
  if (x.size() < 2) ctx.fail("BatchNormalization expects an input of rank >= 2");
  NormParams p;
  p.type = NormParams::Type::batch;
  p.rows = x[0] * x[1];
  p.cols = 1;
  for (size_t i = 2; i < x.size(); ++i) p.cols *= x[i];
  p.channels = x[1];
  Op op = ctx.make("", p);
  // gamma and beta are the weights NormParams already holds; mean/var are claimed as buffers.
  const bool affine = ctx.claim(1) | ctx.claim(2);
  ctx.claim(3);
  ctx.claim(4);
  if (!affine) op.weights.clear();
  ctx.emit(std::move(op), {ctx.input_name(0)}, ctx.output_name(0));
}

void lower_layer_norm(LoweringContext& ctx) {
  const auto& x = ctx.input(0).shape;
  const auto rank = static_cast<int64_t>(x.size());
  int64_t axis = ctx.attr_int("axis", -1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) ctx.fail(fmt::format("axis out of range for rank {}", rank));
  NormParams p;
  p.type = NormParams::Type::layer;
  p.rows = 1;
  p.cols = 1;
  for (int64_t i = 0; i < rank; ++i) (i < axis ? p.rows : p.cols) *= x[static_cast<size_t>(i)];
  const bool scale = ctx.claim(1), bias = ctx.claim(2);
  p.channels = scale || bias ? p.cols : 0;
  Op op = ctx.make("", p);
  if (p.channels > 0 && !(scale && bias)) op.weights.pop_back();  // only one of scale/bias
  ctx.emit(std::move(op), {ctx.input_name(0)}, ctx.output_name(0));
}

void lower_instance_norm(LoweringContext& ctx) {
  const auto& x = ctx.input(0).shape;
  if (x.size() < 3) ctx.fail("InstanceNormalization expects an input of rank >= 3");
  NormParams p;
  p.type = NormParams::Type::group;  // one group per channel
  p.rows = x[0] * x[1];
  p.cols = 1;
  for (size_t i = 2; i < x.size(); ++i) p.cols *= x[i];
  const bool affine = ctx.claim(1) | ctx.claim(2);
  p.channels = affine ? x[1] : 0;
  ctx.emit(ctx.make("", p), {ctx.input_name(0)}, ctx.output_name(0));
}

}  // namespace orrery::workloads::onnx
