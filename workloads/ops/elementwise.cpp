#include "workloads/ops/elementwise.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

const std::vector<ElementwiseFn>& elementwise_functions() {
  // Flop costs are rough vector-instruction counts (tanh-GELU ~ 8, exp-based ~ 4).
  static const std::vector<ElementwiseFn> kFns{
      {"add", 2, 1},
      {"sub", 2, 1},
      {"mul", 2, 1},
      {"div", 2, 1},
      {"relu", 1, 1},
      {"relu6", 1, 2},
      {"clip", 1, 2},
      {"gelu", 1, 8},
      {"silu", 1, 4},
      {"sigmoid", 1, 4},
      {"tanh", 1, 4},
      {"hardswish", 1, 4},
      {"hardsigmoid", 1, 3},
      {"exp", 1, 4},
      {"sqrt", 1, 2},
      {"neg", 1, 1},
      {"pow", 2, 4},
      {"scale_shift", 1, 2},
      {"where", 2, 1},
      {"erf", 1, 6},
      {"cast", 1, 1},
      {"copy", 1, 0},  // same dtype: .contiguous() of a strided view, a reshape that cannot view
      {"dropout", 1, 0},
      {"mish", 1, 8},
      {"swiglu", 2, 5},
      {"leaky_relu", 1, 2},
      {"reciprocal", 1, 1},
      {"abs", 1, 1},
      {"max", 2, 1},
      {"min", 2, 1},
      {"log", 1, 4},
      // Tensor-scalar forms (one tensor operand): x * c, x + c, x ** c.
      {"mul_scalar", 1, 1},
      {"add_scalar", 1, 1},
      {"pow_scalar", 1, 4},
      {"rsqrt", 1, 2},
      // A per-channel (or per-column) parameter times the tensor: weight * x.
      {"scale", 1, 1},
      // No tensor operand: fills an output (a mask being built).
      {"fill", 0, 0},
      // Rounding, sign, logic and comparisons: one vector instruction per element.
      {"round", 1, 1},
      {"ceil", 1, 1},
      {"floor", 1, 1},
      {"sign", 1, 1},
      {"not", 1, 1},
      {"isnan", 1, 1},
      {"isinf", 1, 1},
      {"thresholded_relu", 1, 2},
      {"shrink", 1, 2},
      {"triangle_mask", 1, 2},  // Trilu: compare the row and column index, select
      {"cumsum", 1, 1},         // a scan along one axis: one add per element
      {"quantize", 1, 3},       // (De)QuantizeLinear: scale, round/shift, clamp
      {"and", 2, 1},
      {"or", 2, 1},
      {"xor", 2, 1},
      {"equal", 2, 1},
      {"less", 2, 1},
      {"greater", 2, 1},
      {"less_equal", 2, 1},
      {"greater_equal", 2, 1},
      {"mod", 2, 2},
      {"bitshift", 2, 1},
      {"prelu", 2, 2},
      {"mean", 2, 2},
      // Exponential-based activations (~ exp's cost plus a few ops).
      {"elu", 1, 5},
      {"selu", 1, 6},
      {"celu", 1, 6},
      {"softplus", 1, 5},
      {"softsign", 1, 3},
      // Transcendental functions: a polynomial or SFU sequence, ~ tanh-GELU's cost.
      {"sin", 1, 8},
      {"cos", 1, 8},
      {"tan", 1, 8},
      {"asin", 1, 8},
      {"acos", 1, 8},
      {"atan", 1, 8},
      {"sinh", 1, 8},
      {"cosh", 1, 8},
      {"asinh", 1, 8},
      {"acosh", 1, 8},
      {"atanh", 1, 8},
      // Gradients of the activations (autograd's *_backward kernels): dY and the saved
      // forward input (or output, or mask) in, dX out.
      {"relu_backward", 2, 1},   // threshold_backward: dY where Y > 0
      {"relu6_backward", 2, 2},  // hardtanh_backward
      {"leaky_relu_backward", 2, 2},
      {"gelu_backward", 2, 12},  // erf/tanh form and its derivative
      {"silu_backward", 2, 7},   // dY * s * (1 + x (1 - s)), s = sigmoid(x)
      {"sigmoid_backward", 2, 3},
      {"tanh_backward", 2, 3},
      {"hardswish_backward", 2, 4},
      {"hardsigmoid_backward", 2, 2},
      {"elu_backward", 2, 5},
      {"mish_backward", 2, 14},
      {"softplus_backward", 2, 6},
      {"dropout_backward", 2, 2},  // dY * mask * 1/(1-p)
      // GradScaler.unscale_ (fp16 training): grads times 1/scale with an inf/nan check.
      {"amp_unscale", 1, 2}};
  return kFns;
}

const ElementwiseFn* find_elementwise(const std::string& name) {
  for (const auto& f : elementwise_functions())
    if (f.name == name) return &f;
  return nullptr;
}

bool backward_reads_output(const std::string& fn) {
  for (const char* name : {"relu", "leaky_relu", "sigmoid", "tanh", "exp", "sqrt", "rsqrt", "reciprocal",
                           "thresholded_relu", "elu"})
    if (fn == name) return true;
  return false;
}

int64_t ElementwiseParams::vector_flops() const {
  const auto* f = find_elementwise(fn);
  return checked_mul(numel, f ? f->flops_per_element : 1, "elementwise");
}

OpTensors ElementwiseParams::tensors(DType dt) const {
  OpTensors t;
  const auto* f = find_elementwise(fn);
  const int arity = f ? f->arity : 1;
  for (int i = 0; i < arity; ++i)
    t.inputs.push_back({"", {i == 1 && broadcast_numel > 0 ? broadcast_numel : numel}, dt});
  if (weight_numel > 0) t.weights.push_back({"", {weight_numel}, dt});
  t.outputs.push_back({"", {numel}, dt});
  return t;
}

LoopNest ElementwiseParams::loop_nest() const {
  LoopNest nest{{{"i", numel}}, {}};
  const auto* f = find_elementwise(fn);
  for (int i = 0; i < (f ? f->arity : 1); ++i)
    nest.tensors.push_back({placeholder(TensorRole::input, i), TensorRole::input, {axis(0)}});
  nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, {axis(0)}});
  return nest;
}

std::string ElementwiseParams::describe() const { return fmt::format("{} numel={}", fn, numel); }

void ElementwiseParams::validate(const std::string& where) const {
  if (!find_elementwise(fn)) {
    std::string names;
    for (const auto& f : elementwise_functions()) names += (names.empty() ? "" : "|") + f.name;
    throw WorkloadError(fmt::format("{}: op: expected one of {}, got '{}'", where, names, fn));
  }
  require_positive(where, "numel", numel);
  require_non_negative(where, "weights", weight_numel);
  require_non_negative(where, "broadcast", broadcast_numel);
}

}  // namespace orrery::workloads
