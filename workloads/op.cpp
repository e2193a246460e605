#include "workloads/op.hpp"

#include <array>

#include "common/checked_math.hpp"

namespace orrery::workloads {

std::string_view to_string(OpKind k) {
  static constexpr std::array<std::string_view, 14> kNames{
      "gemm",      "conv",   "pool",          "elementwise", "norm",      "softmax",       "attention",
      "embedding", "reduce", "data_movement", "spmm",        "loop_nest", "cross_entropy", "optimizer"};
  static_assert(kNames.size() == std::variant_size_v<OpParams>, "one name per op kind");
  return kNames[static_cast<size_t>(k)];
}

int64_t Op::macs() const {
  return std::visit([](const auto& p) { return p.macs(); }, params);
}

int64_t Op::vector_flops() const {
  return std::visit([](const auto& p) { return p.vector_flops(); }, params);
}

int64_t Op::params_count() const {
  int64_t n = 0;
  for (const auto& w : weights) n = checked_add(n, w.numel(), name);
  return n;
}

namespace {
int64_t sum_bytes(const std::vector<Tensor>& list, const std::string& where) {
  int64_t b = 0;
  for (const auto& t : list) b = checked_add(b, t.bytes(), where);
  return b;
}
}  // namespace

int64_t Op::input_bytes() const { return sum_bytes(inputs, name); }
int64_t Op::weight_bytes() const { return sum_bytes(weights, name); }
int64_t Op::output_bytes() const { return sum_bytes(outputs, name); }

int64_t Op::bytes() const {
  if (auto* dm = get<DataMovementParams>(); dm && dm->is_view()) return 0;
  return checked_add(checked_add(input_bytes(), weight_bytes(), name), output_bytes(), name);
}

LoopNest Op::loop_nest() const {
  LoopNest nest = std::visit([](const auto& p) { return p.loop_nest(); }, params);
  for (auto& proj : nest.tensors) {
    const auto colon = proj.tensor.find(':');
    const int idx = std::stoi(proj.tensor.substr(colon + 1));
    const auto& list = proj.role == TensorRole::input    ? inputs
                       : proj.role == TensorRole::weight ? weights
                                                         : outputs;
    if (idx < static_cast<int>(list.size())) proj.tensor = list[idx].name;
  }
  return nest;
}

std::string Op::describe() const {
  return std::visit([](const auto& p) { return p.describe(); }, params);
}

namespace {
struct IsTraining {
  bool operator()(const ConvParams& p) const { return p.pass != ConvPass::forward; }
  bool operator()(const AttentionParams& p) const { return p.backward; }
  bool operator()(const NormParams& p) const { return p.backward || p.training; }
  bool operator()(const SoftmaxParams& p) const { return p.backward; }
  bool operator()(const PoolParams& p) const { return p.backward; }
  bool operator()(const EmbeddingParams& p) const { return p.backward; }
  bool operator()(const ElementwiseParams& p) const {
    return p.fn == "amp_unscale" || (p.fn.size() > 9 && p.fn.compare(p.fn.size() - 9, 9, "_backward") == 0);
  }
  bool operator()(const CrossEntropyParams&) const { return true; }
  bool operator()(const OptimizerParams&) const { return true; }
  // Kinds whose training form is ordinary ops of the same kind (a weight-gradient GEMM, a
  // gradient reduction): the graph pass names them, nothing in the params says so.
  bool operator()(const GemmParams&) const { return false; }
  bool operator()(const ReduceParams&) const { return false; }
  bool operator()(const DataMovementParams&) const { return false; }
  bool operator()(const SpmmParams& p) const { return p.backward; }
  bool operator()(const LoopNestOpParams&) const { return false; }
};
}  // namespace

bool is_training_op(const Op& op) { return std::visit(IsTraining{}, op.params); }

Op make_op(std::string name, OpParams params, DType dtype) {
  std::visit([&](const auto& p) { p.validate(name); }, params);
  OpTensors t = std::visit([&](const auto& p) { return p.tensors(dtype); }, params);
  auto label = [&](std::vector<Tensor>& list, const char* prefix) {
    for (size_t i = 0; i < list.size(); ++i) list[i].name = name + "." + prefix + std::to_string(i);
  };
  label(t.inputs, "in");
  label(t.weights, "w");
  label(t.outputs, "out");
  Op op{std::move(name),     std::move(params),    dtype,
        std::move(t.inputs), std::move(t.weights), std::move(t.outputs)};
  return op;
}

}  // namespace orrery::workloads
