#include "workloads/onnx/lowering_registry.hpp"

#include <unordered_map>

#include "workloads/onnx/lowering/families.hpp"

namespace orrery::workloads::onnx {

namespace {

const std::unordered_map<std::string, LoweringFn>& table() {
  static const std::unordered_map<std::string, LoweringFn> kTable{
      {"Conv", lower_conv},
      {"ConvTranspose", lower_conv_transpose},
      {"Gemm", lower_gemm},
      {"MatMul", lower_matmul},
      {"Einsum", lower_einsum},
      {"BatchNormalization", lower_batch_norm},
      {"LayerNormalization", lower_layer_norm},
      {"InstanceNormalization", lower_instance_norm},
      {"Relu", lower_unary},
      {"Sigmoid", lower_unary},
      {"Tanh", lower_unary},
      {"Erf", lower_unary},
      {"Gelu", lower_unary},
      {"HardSwish", lower_unary},
      {"HardSigmoid", lower_unary},
      {"LeakyRelu", lower_unary},
      {"Mish", lower_unary},
      {"Exp", lower_unary},
      {"Log", lower_unary},
      {"Sqrt", lower_unary},
      {"Neg", lower_unary},
      {"Abs", lower_unary},
      {"Reciprocal", lower_unary},
      {"Cast", lower_unary},
      {"Clip", lower_clip},
      {"Add", lower_binary},
      {"Sub", lower_binary},
      {"Mul", lower_binary},
      {"Div", lower_binary},
      {"Pow", lower_binary},
      {"Max", lower_binary},
      {"Min", lower_binary},
      {"Sum", lower_binary},
      {"Where", lower_where},
      {"Identity", lower_identity},
      {"Dropout", lower_dropout},
      {"MaxPool", lower_max_pool},
      {"AveragePool", lower_average_pool},
      {"GlobalAveragePool", lower_global_average_pool},
      {"GlobalMaxPool", lower_global_max_pool},
      {"Softmax", lower_softmax},
      {"LogSoftmax", lower_softmax},
      {"ReduceMean", lower_reduce},
      {"ReduceSum", lower_reduce},
      {"ReduceMax", lower_reduce},
      {"ReduceMin", lower_reduce},
      {"Reshape", lower_view},
      {"Flatten", lower_view},
      {"Squeeze", lower_view},
      {"Unsqueeze", lower_view},
      {"Transpose", lower_transpose},
      {"DepthToSpace", lower_transpose},
      {"SpaceToDepth", lower_transpose},
      {"Concat", lower_concat},
      {"Split", lower_split},
      {"Slice", lower_slice},
      {"Gather", lower_gather},
      {"GatherElements", lower_gather},
      {"GatherND", lower_gather},
      {"Pad", lower_pad},
      {"Resize", lower_resize},
      {"Upsample", lower_resize},
      {"Expand", lower_expand},
      {"Tile", lower_expand},
      {"Round", lower_unary},
      {"Ceil", lower_unary},
      {"Floor", lower_unary},
      {"Sign", lower_unary},
      {"Not", lower_unary},
      {"IsNaN", lower_unary},
      {"IsInf", lower_unary},
      {"ThresholdedRelu", lower_unary},
      {"Shrink", lower_unary},
      {"Elu", lower_unary},
      {"Selu", lower_unary},
      {"Celu", lower_unary},
      {"Softplus", lower_unary},
      {"Softsign", lower_unary},
      {"Sin", lower_unary},
      {"Cos", lower_unary},
      {"Tan", lower_unary},
      {"Asin", lower_unary},
      {"Acos", lower_unary},
      {"Atan", lower_unary},
      {"Sinh", lower_unary},
      {"Cosh", lower_unary},
      {"Asinh", lower_unary},
      {"Acosh", lower_unary},
      {"Atanh", lower_unary},
      {"Mean", lower_binary},
      {"And", lower_binary},
      {"Or", lower_binary},
      {"Xor", lower_binary},
      {"Equal", lower_binary},
      {"Less", lower_binary},
      {"Greater", lower_binary},
      {"LessOrEqual", lower_binary},
      {"GreaterOrEqual", lower_binary},
      {"Mod", lower_binary},
      {"BitShift", lower_binary},
      {"PRelu", lower_binary},
      {"CastLike", lower_unary_with_settings},
      {"Trilu", lower_unary_with_settings},
      {"CumSum", lower_unary_with_settings},
      {"QuantizeLinear", lower_unary_with_settings},
      {"DequantizeLinear", lower_unary_with_settings},
      {"ReduceProd", lower_reduce},
      {"ReduceSumSquare", lower_reduce},
      {"ReduceLogSum", lower_reduce},
      {"ReduceLogSumExp", lower_reduce},
      {"ReduceL1", lower_reduce},
      {"ReduceL2", lower_reduce},
      {"ArgMax", lower_reduce},
      {"ArgMin", lower_reduce},
      {"NegativeLogLikelihoodLoss", lower_reduce},
      {"SoftmaxCrossEntropyLoss", lower_reduce},
  };
  return kTable;
}

}  // namespace

LoweringFn find_lowering(const std::string& op_type) {
  auto it = table().find(op_type);
  return it == table().end() ? nullptr : it->second;
}

std::vector<std::string> supported_op_types() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : table()) names.push_back(name);
  return names;
}

}  // namespace orrery::workloads::onnx
