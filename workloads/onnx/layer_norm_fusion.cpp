#include "workloads/onnx/layer_norm_fusion.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>

namespace orrery::workloads::onnx {

namespace {

class Matcher {
 public:
  Matcher(const ::onnx::GraphProto& g, const ConsumerMap& c, const TensorTable& t, int opset)
      : g_(g), consumers_(c), tensors_(t), opset_(opset) {}

  std::optional<LayerNormMatch> run(int first);

 private:
  const ::onnx::NodeProto& node(int i) const { return g_.node(i); }
  const std::vector<int>& users(const std::string& tensor) const {
    static const std::vector<int> kNone;
    auto it = consumers_.find(tensor);
    return it == consumers_.end() ? kNone : it->second;
  }
  // The single node consuming `tensor`, if it has op type `op`.
  std::optional<int> only_user(const std::string& tensor, const char* op) const {
    const auto& u = users(tensor);
    if (u.size() != 1 || node(u[0]).op_type() != op) return std::nullopt;
    return u[0];
  }
  const TensorInfo* info(const std::string& name) const {
    auto it = tensors_.find(name);
    return it == tensors_.end() ? nullptr : &it->second;
  }
  std::optional<double> scalar(const std::string& name) const {
    const auto* t = info(name);
    if (!t || !t->value || t->value->numel() != 1) return std::nullopt;
    return t->value->real_at(0);
  }
  bool is_param(const std::string& name) const {
    const auto* t = info(name);
    return t && t->is_constant && !t->weight_source.empty() && is_float_type(t->elem_type);
  }
  // Normalized reduce axes of a ReduceMean node, or nullopt if unknown / keepdims=0.
  std::optional<std::vector<int64_t>> axes(const ::onnx::NodeProto& n, int64_t rank) const;
  // The other operand of a binary node, given one of them.
  static std::optional<std::string> other(const ::onnx::NodeProto& n, const std::string& one) {
    if (n.input_size() != 2) return std::nullopt;
    if (n.input(0) == one) return n.input(1);
    if (n.input(1) == one) return n.input(0);
    return std::nullopt;
  }

  const ::onnx::GraphProto& g_;
  const ConsumerMap& consumers_;
  const TensorTable& tensors_;
  int opset_;
};

std::optional<std::vector<int64_t>> Matcher::axes(const ::onnx::NodeProto& n, int64_t rank) const {
  std::vector<int64_t> a;
  bool found = false;
  for (const auto& attr : n.attribute()) {
    if (attr.name() == "keepdims" && attr.i() == 0) return std::nullopt;
    if (attr.name() == "axes") {
      a.assign(attr.ints().begin(), attr.ints().end());
      found = true;
    }
  }
  if (!found && opset_ >= 18 && n.input_size() > 1) {
    const auto* t = info(n.input(1));
    if (!t || !t->value) return std::nullopt;
    for (int64_t i = 0; i < t->value->numel(); ++i) a.push_back(t->value->int_at(static_cast<size_t>(i)));
    found = true;
  }
  if (!found || a.empty()) return std::nullopt;
  for (auto& x : a) x = x < 0 ? x + rank : x;
  std::sort(a.begin(), a.end());
  return a;
}

std::optional<LayerNormMatch> Matcher::run(int first) {
  const auto& mean = node(first);
  if (mean.op_type() != "ReduceMean" || mean.input_size() < 1 || mean.output_size() != 1) return std::nullopt;
  const std::string x = mean.input(0);
  const auto* xi = info(x);
  if (!xi || xi->is_constant || xi->shape.empty()) return std::nullopt;
  const auto rank = static_cast<int64_t>(xi->shape.size());
  const auto ax = axes(mean, rank);
  if (!ax) return std::nullopt;
  for (size_t i = 0; i < ax->size(); ++i)  // trailing axes only
    if ((*ax)[i] != rank - static_cast<int64_t>(ax->size()) + static_cast<int64_t>(i)) return std::nullopt;

  LayerNormMatch m;
  m.input = x;
  m.nodes.push_back(first);
  auto sub = only_user(mean.output(0), "Sub");
  if (!sub || node(*sub).input(0) != x || node(*sub).input(1) != mean.output(0)) return std::nullopt;
  m.nodes.push_back(*sub);
  const std::string d = node(*sub).output(0);
  const auto& d_users = users(d);
  if (d_users.size() != 2) return std::nullopt;
  int pow = -1, div = -1;
  for (int u : d_users) {
    if (node(u).op_type() == "Pow" && node(u).input(0) == d && scalar(node(u).input(1)) == 2.0)
      pow = u;
    else if (node(u).op_type() == "Div" && node(u).input(0) == d)
      div = u;
  }
  if (pow < 0 || div < 0) return std::nullopt;
  m.nodes.push_back(pow);
  auto var = only_user(node(pow).output(0), "ReduceMean");
  if (!var || axes(node(*var), rank) != ax) return std::nullopt;
  m.nodes.push_back(*var);
  auto add_eps = only_user(node(*var).output(0), "Add");
  if (!add_eps) return std::nullopt;
  auto eps = other(node(*add_eps), node(*var).output(0));
  if (!eps || !scalar(*eps)) return std::nullopt;
  m.nodes.push_back(*add_eps);
  auto sqrt = only_user(node(*add_eps).output(0), "Sqrt");
  if (!sqrt || node(div).input(1) != node(*sqrt).output(0) || users(node(*sqrt).output(0)).size() != 1)
    return std::nullopt;
  m.nodes.push_back(*sqrt);
  m.nodes.push_back(div);
  std::string out = node(div).output(0);
  if (auto mul = only_user(out, "Mul")) {
    auto gamma = other(node(*mul), out);
    if (gamma && is_param(*gamma)) {
      m.scale = *gamma;
      m.nodes.push_back(*mul);
      out = node(*mul).output(0);
    }
  }
  if (auto add = only_user(out, "Add")) {
    auto beta = other(node(*add), out);
    if (beta && is_param(*beta)) {
      m.bias = *beta;
      m.nodes.push_back(*add);
      out = node(*add).output(0);
    }
  }
  m.output = out;
  for (int64_t i = 0; i < rank; ++i)
    (i < rank - static_cast<int64_t>(ax->size()) ? m.rows : m.cols) *= xi->shape[static_cast<size_t>(i)];
  return m;
}

}  // namespace

std::optional<LayerNormMatch> match_layer_norm(const ::onnx::GraphProto& graph, int first,
                                               const ConsumerMap& consumers, const TensorTable& tensors,
                                               int opset) {
  return Matcher(graph, consumers, tensors, opset).run(first);
}

}  // namespace orrery::workloads::onnx
