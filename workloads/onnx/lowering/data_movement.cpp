// Reshape/Flatten/Squeeze/Unsqueeze (views), Transpose, Concat, Split, Slice, Gather, Pad,
// Resize/Upsample, Expand/Tile, DepthToSpace/SpaceToDepth -> DataMovementParams; Gather on a
// parameter table -> EmbeddingParams.
#include <fmt/format.h>

#include "workloads/onnx/lowering/families.hpp"

namespace orrery::workloads::onnx {

namespace {

using Kind = DataMovementParams::Kind;

// One op reading the node's non-parameter data inputs listed in `data` and writing output `out`.
void emit_movement(LoweringContext& ctx, Kind kind, const std::vector<int>& data, int out = 0,
                   const std::string& suffix = "") {
  DataMovementParams p;
  p.kind = kind;
  p.in_numels.clear();
  std::vector<int> kept;
  for (int i : data)
    if (ctx.has_input(i) && !ctx.is_param(i)) kept.push_back(i);
  if (kept.empty()) kept.push_back(data.at(0));  // parameter-only data: read it once
  std::vector<std::string> names;
  for (int i : kept) {
    p.in_numels.push_back(ctx.input(i).numel());
    names.push_back(ctx.input_name(i));
  }
  p.out_numel = ctx.output(out).numel();
  Op op = ctx.make(suffix, p);
  for (size_t j = 0; j < kept.size(); ++j) op.inputs[j].shape = ctx.input(kept[j]).shape;
  op.outputs[0].shape = ctx.output(out).shape;
  ctx.emit(std::move(op), names, ctx.output_name(out));
}

}  // namespace

void lower_view(LoweringContext& ctx) {
  ctx.settings_inputs({1});
  emit_movement(ctx, Kind::reshape, {0});
}
void lower_transpose(LoweringContext& ctx) { emit_movement(ctx, Kind::transpose, {0}); }
void lower_slice(LoweringContext& ctx) {
  ctx.settings_inputs({1, 2, 3, 4});
  emit_movement(ctx, Kind::slice, {0});
}
void lower_pad(LoweringContext& ctx) {
  ctx.settings_inputs({1, 2, 3});
  emit_movement(ctx, Kind::pad, {0});
}
void lower_resize(LoweringContext& ctx) {
  ctx.settings_inputs({1, 2, 3});
  emit_movement(ctx, Kind::upsample, {0});
}
void lower_expand(LoweringContext& ctx) {
  ctx.settings_inputs({1});
  emit_movement(ctx, Kind::copy, {0});
}

void lower_concat(LoweringContext& ctx) {
  std::vector<int> all;
  for (int i = 0; i < ctx.num_inputs(); ++i) all.push_back(i);
  emit_movement(ctx, Kind::concat, all);
}

void lower_split(LoweringContext& ctx) {
  ctx.settings_inputs({1});
  for (int o = 0; o < ctx.num_outputs(); ++o)
    if (!ctx.output_name(o).empty()) emit_movement(ctx, Kind::split, {0}, o, fmt::format(":{}", o));
}

void lower_gather(LoweringContext& ctx) {
  const auto& data = ctx.input(0);
  const auto& indices = ctx.input(1);
  if (ctx.is_param(0) && ctx.node().op_type() == "Gather" && ctx.attr_int("axis", 0) == 0 &&
      data.shape.size() >= 1) {
    EmbeddingParams p;
    p.lookups = std::max<int64_t>(indices.numel(), 1);
    p.vocab = data.shape[0];
    p.dim = data.numel() / p.vocab;
    Op op = ctx.make("", p);
    if (!ctx.claim(0)) op.weights.clear();  // a tied table counted by an earlier op
    op.inputs[0].shape = indices.shape;
    ctx.emit(std::move(op), {ctx.input_name(1)}, ctx.output_name(0));
    return;
  }
  std::vector<int> reads{0};
  if (ctx.is_activation(1)) reads.push_back(1);
  emit_movement(ctx, Kind::gather, reads);
}

}  // namespace orrery::workloads::onnx
