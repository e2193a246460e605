#include "workloads/onnx/lowering/context.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "common/error.hpp"

namespace orrery::workloads::onnx {

LoweringContext::LoweringContext(const ::onnx::NodeProto& node, const TensorTable& tensors,
                                 std::unordered_set<std::string>& claimed, DType dtype, int opset,
                                 std::string where)
    : node_(node),
      tensors_(tensors),
      claimed_(claimed),
      dtype_(dtype),
      opset_(opset),
      where_(std::move(where)),
      name_(!node.name().empty()     ? node.name()
            : node.output_size() > 0 ? node.output(0)
                                     : node.op_type()) {}

int LoweringContext::num_inputs() const { return node_.input_size(); }

bool LoweringContext::has_input(int i) const {
  return i >= 0 && i < node_.input_size() && !node_.input(i).empty() && tensors_.count(node_.input(i)) != 0;
}

const std::string& LoweringContext::input_name(int i) const {
  if (i < 0 || i >= node_.input_size()) fail(fmt::format("expected an input {}", i));
  return node_.input(i);
}

const TensorInfo& LoweringContext::input(int i) const {
  if (!has_input(i)) fail(fmt::format("expected an input {}", i));
  return tensors_.at(node_.input(i));
}

int LoweringContext::num_outputs() const { return node_.output_size(); }

const std::string& LoweringContext::output_name(int i) const {
  if (i < 0 || i >= node_.output_size()) fail(fmt::format("expected an output {}", i));
  return node_.output(i);
}

const TensorInfo& LoweringContext::output(int i) const {
  auto it = tensors_.find(output_name(i));
  if (it == tensors_.end()) fail(fmt::format("output '{}' has no inferred shape", output_name(i)));
  return it->second;
}

const TensorInfo& LoweringContext::source(int i) const { return tensors_.at(input(i).weight_source); }

bool LoweringContext::is_param(int i) const {
  if (!has_input(i)) return false;
  const auto& t = input(i);
  return t.is_constant && !t.weight_source.empty() && is_float_type(t.elem_type) && source(i).numel() > 1;
}

bool LoweringContext::is_claimed(int i) const {
  return is_param(i) && claimed_.count(input(i).weight_source) != 0;
}

bool LoweringContext::claim(int i) {
  if (!has_input(i) || input(i).weight_source.empty()) return false;
  const bool fresh = claimed_.insert(input(i).weight_source).second;
  return fresh && is_param(i);
}

int64_t LoweringContext::param_numel(int i) const { return source(i).numel(); }
std::vector<int64_t> LoweringContext::param_shape(int i) const { return source(i).shape; }

const ::onnx::AttributeProto* LoweringContext::attr(const std::string& name) const {
  for (const auto& a : node_.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t LoweringContext::attr_int(const std::string& name, int64_t dflt) const {
  const auto* a = attr(name);
  return a ? a->i() : dflt;
}

double LoweringContext::attr_float(const std::string& name, double dflt) const {
  const auto* a = attr(name);
  return a ? a->f() : dflt;
}

std::string LoweringContext::attr_string(const std::string& name, const std::string& dflt) const {
  const auto* a = attr(name);
  return a ? a->s() : dflt;
}

std::optional<std::vector<int64_t>> LoweringContext::attr_ints(const std::string& name) const {
  const auto* a = attr(name);
  if (!a) return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<std::vector<int64_t>> LoweringContext::input_ints(int i) const {
  if (!has_input(i) || !input(i).value) return std::nullopt;
  const auto& v = *input(i).value;
  std::vector<int64_t> out(static_cast<size_t>(v.numel()));
  for (size_t k = 0; k < out.size(); ++k) out[k] = v.int_at(k);
  return out;
}

std::optional<std::vector<double>> LoweringContext::input_reals(int i) const {
  if (!has_input(i) || !input(i).value) return std::nullopt;
  const auto& v = *input(i).value;
  std::vector<double> out(static_cast<size_t>(v.numel()));
  for (size_t k = 0; k < out.size(); ++k) out[k] = v.real_at(k);
  return out;
}

void LoweringContext::fail(const std::string& message) const {
  throw WorkloadError(fmt::format("{}: {}", where_, message));
}

Op LoweringContext::make(const std::string& suffix, OpParams params) const {
  try {
    return make_op(name_ + suffix, std::move(params), dtype_);
  } catch (const WorkloadError& e) {
    fail(e.what());
  }
}

void LoweringContext::emit(Op op, std::vector<std::string> inputs, std::string output) {
  emitted_.push_back({std::move(op), std::move(inputs), std::move(output)});
}

}  // namespace orrery::workloads::onnx
