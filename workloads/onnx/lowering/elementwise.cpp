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
                                                       {"Mish", "mish"},
                                                       {"Round", "round"},
                                                       {"Ceil", "ceil"},
                                                       {"Floor", "floor"},
                                                       {"Sign", "sign"},
                                                       {"Not", "not"},
                                                       {"IsNaN", "isnan"},
                                                       {"IsInf", "isinf"},
                                                       {"ThresholdedRelu", "thresholded_relu"},
                                                       {"Shrink", "shrink"},
                                                       {"Elu", "elu"},
                                                       {"Selu", "selu"},
                                                       {"Celu", "celu"},
                                                       {"Softplus", "softplus"},
                                                       {"Softsign", "softsign"},
                                                       {"Sin", "sin"},
                                                       {"Cos", "cos"},
                                                       {"Tan", "tan"},
                                                       {"Asin", "asin"},
                                                       {"Acos", "acos"},
                                                       {"Atan", "atan"},
                                                       {"Sinh", "sinh"},
                                                       {"Cosh", "cosh"},
                                                       {"Asinh", "asinh"},
                                                       {"Acosh", "acosh"},
                                                       {"Atanh", "atanh"}};
  return kFns;
}

const std::map<std::string, std::string>& binary_functions() {
  static const std::map<std::string, std::string> kFns{{"Add", "add"},
                                                       {"Sub", "sub"},
                                                       {"Mul", "mul"},
                                                       {"Div", "div"},
                                                       {"Pow", "pow"},
                                                       {"Max", "max"},
                                                       {"Min", "min"},
                                                       {"Sum", "add"},
                                                       {"Mean", "mean"},
                                                       {"And", "and"},
                                                       {"Or", "or"},
                                                       {"Xor", "xor"},
                                                       {"Equal", "equal"},
                                                       {"Less", "less"},
                                                       {"Greater", "greater"},
                                                       {"LessOrEqual", "less_equal"},
                                                       {"GreaterOrEqual", "greater_equal"},
                                                       {"Mod", "mod"},
                                                       {"BitShift", "bitshift"},
                                                       {"PRelu", "prelu"}};
  return kFns;
}

}  // namespace

void lower_unary(LoweringContext& ctx) {
  emit_elementwise(ctx, unary_functions().at(ctx.node().op_type()), {0});
}

void lower_binary(LoweringContext& ctx) {
  // Sum, Mean, Max and Min are variadic (one or more inputs): every operand is read once.
  const std::string& t = ctx.node().op_type();
  const bool variadic = t == "Sum" || t == "Mean" || t == "Max" || t == "Min";
  if (variadic ? ctx.num_inputs() < 1 : ctx.num_inputs() != 2)
    ctx.fail(fmt::format("expected {} inputs, got {}", variadic ? "1 or more" : "2", ctx.num_inputs()));
  std::vector<int> operands;
  for (int i = 0; i < ctx.num_inputs(); ++i) operands.push_back(i);
  emit_elementwise(ctx, binary_functions().at(t), operands);
}

// One data tensor and inputs that only parameterize the function (CastLike's type source,
// Trilu's k, CumSum's axis, (De)QuantizeLinear's scale and zero point).
void lower_unary_with_settings(LoweringContext& ctx) {
  static const std::map<std::string, std::string> kFns{{"CastLike", "cast"},
                                                       {"Trilu", "triangle_mask"},
                                                       {"CumSum", "cumsum"},
                                                       {"QuantizeLinear", "quantize"},
                                                       {"DequantizeLinear", "quantize"}};
  std::vector<int> settings;
  for (int i = 1; i < ctx.num_inputs(); ++i) settings.push_back(i);
  for (int i : settings) ctx.settings_inputs({i});
  emit_elementwise(ctx, kFns.at(ctx.node().op_type()), {0});
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
