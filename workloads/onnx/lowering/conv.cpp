// Conv and ConvTranspose (1-D, 2-D, 3-D, grouped, dilated) -> ConvParams.
#include <fmt/format.h>

#include "workloads/onnx/lowering/families.hpp"
#include "workloads/onnx/lowering/spatial_attrs.hpp"

namespace orrery::workloads::onnx {

namespace {

void lower_conv_like(LoweringContext& ctx, bool transposed) {
  const auto& x = ctx.input(0);
  const auto& w = ctx.input(1);
  // A weight that is no initializer (a graph input, as keep_initializers_as_inputs and many
  // exporters write it, or the output of a DequantizeLinear) is still a tensor of known shape:
  // the conv reads it like any weight; a node that computes it runs first.
  const bool weight_computed = !ctx.is_param(1) && !ctx.input(1).is_constant;
  if (x.shape.size() < 3 || w.shape.size() != x.shape.size())
    ctx.fail(fmt::format("expected input and weight of equal rank >= 3, got {} and {}", x.shape.size(),
                         w.shape.size()));
  const std::vector<int64_t> kernel_shape(w.shape.begin() + 2, w.shape.end());
  if (auto ks = ctx.attr_ints("kernel_shape"); ks && *ks != kernel_shape)
    ctx.fail("attribute kernel_shape differs from the weight's shape");
  const auto a = read_spatial_attrs(ctx, spatial_of(x.shape), kernel_shape, transposed);
  ConvParams p;
  p.rank = a.rank;
  p.n = x.shape[0];
  p.c_in = x.shape[1];
  p.groups = ctx.attr_int("group", 1);
  p.c_out = transposed ? w.shape[1] * p.groups : w.shape[0];
  p.in = a.in;
  p.kernel = a.kernel;
  p.stride = a.stride;
  p.dilation = a.dilation;
  p.pad_begin = a.pad_begin;
  p.pad_end = a.pad_end;
  p.transposed = transposed;
  if (transposed) {
    p.output_padding = to_dims3(ctx.attr_ints("output_padding").value_or(std::vector<int64_t>{}), 0);
    // With an explicit output_shape, ONNX derives the pads from it.
    if (auto os = ctx.attr_ints("output_shape")) {
      const auto out = spatial_of(ctx.output(0).shape);
      for (int i = 3 - a.rank; i < 3; ++i) {
        const int64_t total = p.stride[i] * (p.in[i] - 1) + p.output_padding[i] +
                              (p.kernel[i] - 1) * p.dilation[i] + 1 -
                              out[static_cast<size_t>(i - (3 - a.rank))];
        const bool upper = ctx.attr_string("auto_pad", "NOTSET") != "SAME_LOWER";
        p.pad_begin[i] = upper ? total / 2 : total - total / 2;
        p.pad_end[i] = total - p.pad_begin[i];
      }
    }
  } else if (w.shape[1] * p.groups != p.c_in) {
    ctx.fail(fmt::format("weight expects {} input channels in {} groups, input has {}", w.shape[1] * p.groups,
                         p.groups, p.c_in));
  }
  p.bias = ctx.has_input(2);
  Op op = ctx.make("", p);
  // Cross-check against ONNX's own shape inference.
  const auto& out = ctx.output(0).shape;
  if (out != op.outputs.at(0).shape)
    ctx.fail(fmt::format("output shape [{}] differs from ONNX's inferred [{}]",
                         fmt::join(op.outputs[0].shape, ","), fmt::join(out, ",")));
  ctx.claim(1);
  ctx.claim(2);
  std::vector<std::string> inputs{ctx.input_name(0)};
  if (weight_computed) inputs.push_back(ctx.input_name(1));
  ctx.emit(std::move(op), inputs, ctx.output_name(0));
}

}  // namespace

void lower_conv(LoweringContext& ctx) { lower_conv_like(ctx, false); }
void lower_conv_transpose(LoweringContext& ctx) { lower_conv_like(ctx, true); }

}  // namespace orrery::workloads::onnx
