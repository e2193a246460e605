#pragma once
// A pointwise function over `numel` elements with one or two inputs (add, mul, relu, gelu, ...).
#include <string>
#include <vector>

#include "workloads/ops/op_tensors.hpp"

namespace orrery::workloads {

struct ElementwiseFn {
  std::string name;
  int arity;              // number of full-size inputs
  int flops_per_element;  // rough vector-unit cost, for compute-bound estimates only
};
const std::vector<ElementwiseFn>& elementwise_functions();
const ElementwiseFn* find_elementwise(const std::string& name);

// Whether autograd's backward of `fn` reads the function's output (ReLU's mask, sigmoid, tanh,
// exp, sqrt, ...) rather than its input: what the node saves, and whether an in-place call must
// clone its input first (derivatives.yaml; ReLU6's hardtanh_backward and clamp_backward read
// the input).
bool backward_reads_output(const std::string& fn);

struct ElementwiseParams {
  std::string fn = "add";
  int64_t numel = 1;
  int64_t weight_numel = 0;  // per-channel parameters (e.g. a folded scale/shift), 0 if none
  // Elements of the second operand where it broadcasts against the first (a squeeze-excitation
  // gate [N, C, 1, 1], rotary cos/sin tables); 0: both operands have `numel` elements.
  int64_t broadcast_numel = 0;
  // Works on a non-contiguous view (a transposed head layout, a slice): PyTorch's generic
  // kernel, not the vectorized one.
  bool strided = false;

  int64_t macs() const { return 0; }
  int64_t vector_flops() const;
  OpTensors tensors(DType dt) const;
  LoopNest loop_nest() const;
  std::string describe() const;
  void validate(const std::string& where) const;
};

}  // namespace orrery::workloads
