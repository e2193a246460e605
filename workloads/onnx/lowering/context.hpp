#pragma once
// What a lowering function sees of one ONNX node, and where it puts the orrery ops it makes.
// Parameters: an input is a parameter when it is a floating-point initializer with more than one
// element (or a view of one). Each initializer is counted once, by the first op that claims it,
// so tied weights are not double counted; inputs a lowering does not claim are attached to its
// last op as extra weights after it returns (Concat with a class token, Add of a position
// embedding, ...).
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "workloads/onnx/tensor_info.hpp"
#include "workloads/op.hpp"

namespace onnx {
class NodeProto;
class AttributeProto;
}  // namespace onnx

namespace orrery::workloads::onnx {

struct EmittedOp {
  Op op;
  std::vector<std::string> inputs;  // ONNX tensor names of op.inputs[0..] (edges for those an op produces)
  std::string output;               // ONNX tensor name of op.outputs[0]
};

class LoweringContext {
 public:
  LoweringContext(const ::onnx::NodeProto& node, const TensorTable& tensors,
                  std::unordered_set<std::string>& claimed, DType dtype, int opset, std::string where);

  const ::onnx::NodeProto& node() const { return node_; }
  const std::string& name() const { return name_; }  // node name (or its first output) for op names
  const std::string& where() const { return where_; }
  int opset() const { return opset_; }
  DType dtype() const { return dtype_; }

  int num_inputs() const;
  bool has_input(int i) const;
  const std::string& input_name(int i) const;
  const TensorInfo& input(int i) const;  // throws if absent
  int num_outputs() const;
  const std::string& output_name(int i) const;
  const TensorInfo& output(int i) const;

  bool is_activation(int i) const { return has_input(i) && !input(i).is_constant; }
  bool is_param(int i) const;
  bool is_claimed(int i) const;
  // Counts input i's initializer as this node's parameter; false if it is not a parameter or
  // was already counted by an earlier op.
  bool claim(int i);
  // Inputs that are settings rather than data (Resize scales, Pad pads, Clip bounds, shapes):
  // never attached as weights, even when they are float initializers.
  void settings_inputs(std::initializer_list<int> indices) { settings_.insert(settings_.end(), indices); }
  bool is_setting(int i) const { return std::find(settings_.begin(), settings_.end(), i) != settings_.end(); }
  int64_t param_numel(int i) const;  // elements of input i's initializer
  std::vector<int64_t> param_shape(int i) const;

  const ::onnx::AttributeProto* attr(const std::string& name) const;
  int64_t attr_int(const std::string& name, int64_t dflt) const;
  double attr_float(const std::string& name, double dflt) const;
  std::string attr_string(const std::string& name, const std::string& dflt) const;
  std::optional<std::vector<int64_t>> attr_ints(const std::string& name) const;
  // The known integer value of input i (shape-like inputs), or nullopt.
  std::optional<std::vector<int64_t>> input_ints(int i) const;
  std::optional<std::vector<double>> input_reals(int i) const;

  [[noreturn]] void fail(const std::string& message) const;

  // make_op with this node's name (plus `suffix`) and dtype; its WorkloadErrors name the node.
  Op make(const std::string& suffix, OpParams params) const;
  void emit(Op op, std::vector<std::string> inputs, std::string output);
  std::vector<EmittedOp>& emitted() { return emitted_; }
  // Output `out` is input `in` itself (Identity, inference-mode Dropout): no op.
  void alias(int out, int in) { aliases_.emplace_back(output_name(out), input_name(in)); }
  const std::vector<std::pair<std::string, std::string>>& aliases() const { return aliases_; }

 private:
  const TensorInfo& source(int i) const;

  const ::onnx::NodeProto& node_;
  const TensorTable& tensors_;
  std::unordered_set<std::string>& claimed_;
  DType dtype_;
  int opset_;
  std::string where_;
  std::string name_;
  std::vector<EmittedOp> emitted_;
  std::vector<std::pair<std::string, std::string>> aliases_;
  std::vector<int> settings_;
};

using LoweringFn = void (*)(LoweringContext&);

}  // namespace orrery::workloads::onnx
