// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool -> PoolParams.
#include <fmt/format.h>

#include "workloads/onnx/lowering/families.hpp"
#include "workloads/onnx/lowering/spatial_attrs.hpp"

namespace orrery::workloads::onnx {

namespace {

void emit_pool(LoweringContext& ctx, PoolParams::Mode mode, bool global) {
  const auto& x = ctx.input(0).shape;
  if (x.size() < 3 || x.size() > 5)
    ctx.fail(fmt::format("expected an input of rank 3 to 5, got {}", x.size()));
  const auto spatial = spatial_of(x);
  PoolParams p;
  p.mode = mode;
  p.n = x[0];
  p.c = x[1];
  if (global) {
    p.rank = static_cast<int>(spatial.size());
    p.in = p.kernel = to_dims3(spatial, 1);
  } else {
    const auto kernel = ctx.attr_ints("kernel_shape");
    if (!kernel) ctx.fail("missing attribute kernel_shape");
    const auto a = read_spatial_attrs(ctx, spatial, *kernel);
    if (a.dilation != Dims3{1, 1, 1}) ctx.fail("not supported yet: dilated pooling");
    p.rank = a.rank;
    p.in = a.in;
    p.kernel = a.kernel;
    p.stride = a.stride;
    p.pad_begin = a.pad_begin;
    p.pad_end = a.pad_end;
    p.ceil_mode = ctx.attr_int("ceil_mode", 0) != 0;
  }
  Op op = ctx.make("", p);
  const auto& out = ctx.output(0).shape;
  if (out != op.outputs.at(0).shape)
    ctx.fail(fmt::format("output shape [{}] differs from ONNX's inferred [{}]",
                         fmt::join(op.outputs[0].shape, ","), fmt::join(out, ",")));
  ctx.emit(std::move(op), {ctx.input_name(0)}, ctx.output_name(0));
}

}  // namespace

void lower_max_pool(LoweringContext& ctx) {
  if (ctx.num_outputs() > 1 && !ctx.output_name(1).empty())
    ctx.fail("not supported: MaxPool's Indices output");
  emit_pool(ctx, PoolParams::Mode::max, false);
}
void lower_average_pool(LoweringContext& ctx) { emit_pool(ctx, PoolParams::Mode::avg, false); }
void lower_global_average_pool(LoweringContext& ctx) { emit_pool(ctx, PoolParams::Mode::avg, true); }
void lower_global_max_pool(LoweringContext& ctx) { emit_pool(ctx, PoolParams::Mode::max, true); }

}  // namespace orrery::workloads::onnx
