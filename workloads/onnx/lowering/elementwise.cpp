// Activations and arithmetic -> ElementwiseParams (function names from workloads/ops/
// elementwise.cpp's table). Broadcasting: numel is the output's; an operand that is a parameter
// (a bias or scale initializer) becomes the op's weight (weight_numel), a small constant
// operand (a scalar) stays an input with its own shape. Decomposed forms (GELU via Erf, SiLU as
// Sigmoid*Mul, LayerNorm via ReduceMean/Sub/Pow/Sqrt/Div) are lowered node by node.
#include <fmt/format.h>

#include <map>

#include "workloads/onnx/lowering/families.hpp"

namespace orrery::workloads::onnx {

namespace {

void emit_elementwise(LoweringContext& ctx, const std::string& fn, const std::vector<int>& operands) {
  ElementwiseParams p;
  p.fn = fn;
  p.numel = ctx.output(0).numel();
  std::vector<int> kept;  // operands read as inputs
  for (int i : operands) {
    if (!ctx.has_input(i)) continue;
    if (ctx.is_activation(i))
      kept.push_back(i);
    else if (ctx.is_param(i) && ctx.claim(i))
      p.weight_numel += ctx.param_numel(i);
    else
      kept.push_back(i);
  }
  Op op = ctx.make("", p);
  op.inputs.clear();
  std::vector<std::string> names;
  for (int i : kept) {
    op.inputs.push_back({ctx.input_name(i), ctx.input(i).shape, ctx.dtype()});
    names.push_back(ctx.input_name(i));
  }
  ctx.emit(std::move(op), names, ctx.output_name(0));
}

const std::map<std::string, std::string>& unary_functions() {
  static const std::map<std::string, std::string> kFns{{"Relu", "relu"},
                                                       {"Sigmoid", "sigmoid"},
                                                       {"Tanh", "tanh"},
                                                       {"Erf", "erf"},
                                                       {"HardSwish", "hardswish"},
                                                       {"HardSigmoid", "hardsigmoid"},
                                                       {"Exp", "exp"},
                                                       {"Sqrt", "sqrt"},
                                                       {"Neg", "neg"},
                                                       {"Reciprocal", "reciprocal"},
                                                       {"Abs", "abs"},
                                                       {"Log", "log"},
                                                       {"LeakyRelu", "leaky_relu"},
                                                       {"Cast", "cast"},
                                                       {"Gelu", "gelu"},
                                                       {"Mish", "mish"}};
  return kFns;
}

const std::map<std::string, std::string>& binary_functions() {
  static const std::map<std::string, std::string> kFns{{"Add", "add"}, {"Sub", "sub"}, {"Mul", "mul"},
                                                       {"Div", "div"}, {"Pow", "pow"}, {"Max", "max"},
                                                       {"Min", "min"}, {"Sum", "add"}};
  return kFns;
}

}  // namespace

void lower_unary(LoweringContext& ctx) {
  emit_elementwise(ctx, unary_functions().at(ctx.node().op_type()), {0});
}

void lower_binary(LoweringContext& ctx) {
  if (ctx.num_inputs() != 2) ctx.fail(fmt::format("expected 2 inputs, got {}", ctx.num_inputs()));
  emit_elementwise(ctx, binary_functions().at(ctx.node().op_type()), {0, 1});
}

void lower_clip(LoweringContext& ctx) {
  std::optional<double> lo, hi;
  if (ctx.opset() < 11) {
    lo = ctx.attr_float("min", -3.4e38);
    hi = ctx.attr_float("max", 3.4e38);
  } else {
    if (auto v = ctx.input_reals(1); v && v->size() == 1) lo = (*v)[0];
    if (auto v = ctx.input_reals(2); v && v->size() == 1) hi = (*v)[0];
  }
  ctx.settings_inputs({1, 2});
  const bool relu6 = lo && hi && *lo == 0.0 && *hi == 6.0;
  emit_elementwise(ctx, relu6 ? "relu6" : "clip", {0});
}

void lower_where(LoweringContext& ctx) { emit_elementwise(ctx, "where", {1, 2, 0}); }

void lower_identity(LoweringContext& ctx) { ctx.alias(0, 0); }

void lower_dropout(LoweringContext& ctx) {
  // Inference: Dropout is the identity on its first output. A consumer of the mask output
  // finds it produced by no op.
  ctx.alias(0, 0);
}

}  // namespace orrery::workloads::onnx
