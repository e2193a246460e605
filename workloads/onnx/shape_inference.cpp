#include "workloads/onnx/shape_inference.hpp"

#include <fmt/format.h>
#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>

#include <memory>

#include "common/error.hpp"
#include "workloads/onnx/einsum_equation.hpp"
#include "workloads/onnx/tensor_proto_codec.hpp"

namespace orrery::workloads::onnx {

namespace {

::onnx::TypeProto make_type(const TensorInfo& t) {
  ::onnx::TypeProto type;
  auto* tensor = type.mutable_tensor_type();
  tensor->set_elem_type(t.elem_type);
  auto* shape = tensor->mutable_shape();
  for (auto d : t.shape) shape->add_dim()->set_dim_value(d);
  return type;
}

class NodeContext final : public ::onnx::InferenceContext {
 public:
  NodeContext(const ::onnx::NodeProto& node, const TensorTable& tensors) : node_(node) {
    for (const auto& a : node.attribute()) attributes_.emplace(a.name(), &a);
    for (const auto& name : node.input()) {
      auto it = name.empty() ? tensors.end() : tensors.find(name);
      if (it == tensors.end()) {
        types_.push_back(nullptr);
        data_.push_back(nullptr);
        continue;
      }
      types_.push_back(std::make_unique<::onnx::TypeProto>(make_type(it->second)));
      data_.push_back(it->second.value
                          ? std::make_unique<::onnx::TensorProto>(encode_tensor(*it->second.value))
                          : nullptr);
    }
    outputs_.resize(static_cast<size_t>(node.output_size()));
  }

  const ::onnx::AttributeProto* getAttribute(const std::string& name) const override {
    auto it = attributes_.find(name);
    return it == attributes_.end() ? nullptr : it->second;
  }
  size_t getNumInputs() const override { return types_.size(); }
  const ::onnx::TypeProto* getInputType(size_t i) const override { return types_.at(i).get(); }
  const ::onnx::TensorProto* getInputData(size_t i) const override { return data_.at(i).get(); }
  size_t getNumOutputs() const override { return outputs_.size(); }
  ::onnx::TypeProto* getOutputType(size_t i) override { return &outputs_.at(i); }
  ::onnx::GraphInferencer* getGraphAttributeInferencer(const std::string&) override {
    throw ::onnx::InferenceError("sub-graph attributes are not supported");
  }
  const ::onnx::SparseTensorProto* getInputSparseData(size_t) const override { return nullptr; }
  const ::onnx::TensorShapeProto* getSymbolicInput(size_t) const override { return nullptr; }

  const std::vector<::onnx::TypeProto>& outputs() const { return outputs_; }

 private:
  const ::onnx::NodeProto& node_;
  std::unordered_map<std::string, const ::onnx::AttributeProto*> attributes_;
  std::vector<std::unique_ptr<::onnx::TypeProto>> types_;
  std::vector<std::unique_ptr<::onnx::TensorProto>> data_;
  std::vector<::onnx::TypeProto> outputs_;
};

InferredOutput to_output(const ::onnx::TypeProto& type) {
  InferredOutput out;
  if (!type.has_tensor_type()) return out;
  const auto& t = type.tensor_type();
  out.elem_type = t.elem_type();
  if (!t.has_shape() || out.elem_type == 0) return out;
  for (const auto& d : t.shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0) return out;
    out.shape.push_back(d.dim_value());
  }
  out.known = true;
  return out;
}

}  // namespace

std::vector<InferredOutput> infer_node(const ::onnx::NodeProto& node, const TensorTable& tensors, int opset,
                                       const std::string& where) {
  const auto* schema = ::onnx::OpSchemaRegistry::Schema(node.op_type(), opset, node.domain());
  if (schema == nullptr)
    throw WorkloadError(fmt::format("{}: not supported (no ONNX schema at opset {})", where, opset));
  NodeContext ctx(node, tensors);
  if (schema->has_type_and_shape_inference_function()) {
    try {
      schema->GetTypeAndShapeInferenceFunction()(ctx);
    } catch (const std::exception& e) {
      throw WorkloadError(fmt::format("{}: shape inference failed: {}", where, e.what()));
    }
  }
  std::vector<InferredOutput> result;
  for (const auto& type : ctx.outputs()) result.push_back(to_output(type));
  // ONNX 1.12 infers only the rank of an Einsum output; the equation gives the dims.
  if (node.op_type() == "Einsum" && !result.empty() && !result[0].known && node.input_size() == 2) {
    auto a = tensors.find(node.input(0)), b = tensors.find(node.input(1));
    if (a != tensors.end() && b != tensors.end()) {
      std::string equation;
      for (const auto& attr : node.attribute())
        if (attr.name() == "equation") equation = attr.s();
      const auto t = parse_einsum(equation, a->second.shape, b->second.shape);
      if (t.error.empty()) result[0] = {true, a->second.elem_type, t.out_shape};
    }
  }
  return result;
}

}  // namespace orrery::workloads::onnx
