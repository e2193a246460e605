#include "workloads/onnx/import.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "common/error.hpp"
#include "workloads/onnx/constant_folding.hpp"
#include "workloads/onnx/layer_norm_fusion.hpp"
#include "workloads/onnx/lowering_registry.hpp"
#include "workloads/onnx/model_reader.hpp"
#include "workloads/onnx/shape_inference.hpp"
#include "workloads/onnx/tensor_proto_codec.hpp"
#include "workloads/onnx/topo_order.hpp"

namespace orrery::workloads::onnx {

namespace {

using TP = ::onnx::TensorProto;

DType dtype_of(int32_t elem_type) {
  switch (elem_type) {
    case TP::FLOAT16:
      return DType::fp16;
    case TP::BFLOAT16:
      return DType::bf16;
    case TP::INT8:
    case TP::UINT8:
      return DType::int8;
    default:
      return DType::fp32;  // float, double, and integer/bool index arithmetic
  }
}

class Importer {
 public:
  Importer(const std::string& path, const ImportOptions& options) : path_(path), options_(options) {}

  Graph run();

 private:
  void add_initializers(const ::onnx::GraphProto& g);
  void add_inputs(const ::onnx::GraphProto& g);
  void visit(const ::onnx::GraphProto& g, int index);
  bool fuse_layer_norm(const ::onnx::GraphProto& g, int index, const std::string& where);
  bool is_param(const std::string& name) const;
  std::string weight_source_of(const ::onnx::NodeProto& node) const;
  const std::string& resolve(const std::string& name) const;
  void add_ops(LoweringContext& ctx);
  [[noreturn]] void fail(const std::string& where, const std::string& msg) const {
    throw WorkloadError(fmt::format("{}: {}", where, msg));
  }

  const std::string& path_;
  const ImportOptions& options_;
  int opset_ = 0;
  TensorTable tensors_;
  std::unordered_set<std::string> claimed_;
  std::unordered_map<std::string, size_t> producer_;
  std::unordered_map<std::string, std::string> alias_of_;
  ConsumerMap consumers_;
  std::unordered_set<int> fused_;  // nodes already lowered as part of a fused pattern
  Graph graph_;
};

void Importer::add_initializers(const ::onnx::GraphProto& g) {
  if (g.sparse_initializer_size() > 0)
    throw WorkloadError(fmt::format("--onnx {}: not supported yet: sparse initializers", path_));
  for (const auto& init : g.initializer()) {
    TensorInfo t;
    t.shape.assign(init.dims().begin(), init.dims().end());  // dims, never the data size
    for (auto d : t.shape)
      if (d < 0)
        throw WorkloadError(
            fmt::format("--onnx {}: initializer '{}' has a negative dim", path_, init.name()));
    t.elem_type = init.data_type();
    t.is_constant = true;
    t.weight_source = init.name();
    // Parameter values are never needed; small integer/float constants are (shape inputs).
    if (!is_float_type(t.elem_type) || t.numel() <= 64) t.value = decode_tensor(init);
    tensors_[init.name()] = std::move(t);
  }
}

// The TensorProtos of ImportOptions::input_values, each as read from its file.
std::vector<TP> read_input_values(const std::vector<std::string>& files) {
  std::vector<TP> out;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw WorkloadError(fmt::format("--onnx-input {}: cannot open the file", file));
    TP t;
    if (!t.ParseFromIstream(&in))
      throw WorkloadError(fmt::format("--onnx-input {}: not a serialized ONNX TensorProto", file));
    out.push_back(std::move(t));
  }
  return out;
}

void Importer::add_inputs(const ::onnx::GraphProto& g) {
  const std::vector<TP> values = read_input_values(options_.input_values);
  std::vector<bool> used(values.size(), false);
  std::unordered_set<std::string> data_inputs;  // read by some node as its first input
  for (const auto& node : g.node())
    if (node.input_size() > 0) data_inputs.insert(node.input(0));
  bool symbolic_batch = false;
  size_t position = 0;
  for (const auto& in : g.input()) {
    if (tensors_.count(in.name())) continue;  // an initializer listed as an input (IR < 4)
    const size_t my_position = position++;
    if (!in.type().has_tensor_type())
      throw WorkloadError(
          fmt::format("--onnx {}: input '{}' is not a tensor: not supported", path_, in.name()));
    const auto& tt = in.type().tensor_type();
    TensorInfo t;
    t.elem_type = tt.elem_type();
    if (!tt.has_shape())
      throw WorkloadError(fmt::format("--onnx {}: input '{}' has no shape", path_, in.name()));
    for (int i = 0; i < tt.shape().dim_size(); ++i) {
      const auto& d = tt.shape().dim(i);
      if (d.has_dim_value() && d.dim_value() > 0) {
        t.shape.push_back(d.dim_value());
      } else if (i == 0) {
        t.shape.push_back(options_.batch);
        symbolic_batch = true;
      } else {
        throw WorkloadError(
            fmt::format("--onnx {}: input '{}' dimension {} ('{}') is not static: only the batch "
                        "(first) dimension may be symbolic",
                        path_, in.name(), i, d.dim_param()));
      }
    }
    // Its value, by name, else by position where the file's tensor has no name.
    const TP* value = nullptr;
    for (size_t v = 0; v < values.size() && !value; ++v)
      if (values[v].name() == in.name() || (values[v].name().empty() && v == my_position)) {
        value = &values[v];
        used[v] = true;
      }
    // Used only where no node reads it as its data (first) input: shapes, axes, scales, pads.
    if (value && !data_inputs.count(in.name())) {
      const std::vector<int64_t> dims(value->dims().begin(), value->dims().end());
      // The value's dims stand where the graph's are symbolic or empty (0); static ones must agree.
      bool agree =
          dims.size() == static_cast<size_t>(tt.shape().dim_size()) && value->data_type() == t.elem_type;
      for (size_t k = 0; agree && k < dims.size(); ++k) {
        const auto& d = tt.shape().dim(static_cast<int>(k));
        agree = !(d.has_dim_value() && d.dim_value() > 0) || d.dim_value() == dims[k];
      }
      if (!agree)
        throw WorkloadError(
            fmt::format("--onnx {}: --onnx-input for '{}': dims or element type differ "
                        "from the graph input's",
                        path_, in.name()));
      t.shape = dims;
      t.value = decode_tensor(*value);
      t.is_constant = t.value.has_value();
    }
    tensors_[in.name()] = std::move(t);
  }
  for (size_t v = 0; v < values.size(); ++v)
    if (!used[v])
      throw WorkloadError(
          fmt::format("--onnx-input {}: no graph input of {} is named '{}' or at its position",
                      options_.input_values[v], path_, values[v].name()));
  if (!symbolic_batch && options_.batch != 1)
    throw WorkloadError(
        fmt::format("--onnx {}: --batch {}: the model's inputs have a fixed batch size (export it "
                    "with a dynamic batch axis)",
                    path_, options_.batch));
}

bool Importer::is_param(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end() || it->second.weight_source.empty() || !is_float_type(it->second.elem_type))
    return false;
  return tensors_.at(it->second.weight_source).numel() > 1;
}

std::string Importer::weight_source_of(const ::onnx::NodeProto& node) const {
  std::string any;
  for (const auto& in : node.input()) {
    if (in.empty()) continue;
    const auto& src = tensors_.at(in).weight_source;
    if (src.empty()) continue;
    if (is_float_type(tensors_.at(src).elem_type)) return src;
    if (any.empty()) any = src;
  }
  return any;
}

const std::string& Importer::resolve(const std::string& name) const {
  auto it = alias_of_.find(name);
  return it == alias_of_.end() ? name : it->second;
}

void Importer::visit(const ::onnx::GraphProto& g, int index) {
  if (fused_.count(index)) return;
  const ::onnx::NodeProto& node = g.node(index);
  const std::string name = !node.name().empty() ? node.name() : node.output_size() ? node.output(0) : "";
  const std::string where = fmt::format("--onnx {}: node '{}' (op {})", path_, name, node.op_type());
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    fail(where, fmt::format("not supported (domain '{}')", node.domain()));
  bool all_constant = node.input_size() > 0 || node.op_type() == "Constant";
  bool has_param = false;
  for (const auto& in : node.input()) {
    if (in.empty()) continue;
    auto it = tensors_.find(in);
    if (it == tensors_.end())
      fail(where, fmt::format("input '{}' has no static shape (shape inference could not resolve it)", in));
    all_constant = all_constant && it->second.is_constant;
    has_param = has_param || is_param(in);
  }

  // An op that computes on run-time data needs a lowering: say so before anything else.
  const LoweringFn lower = find_lowering(node.op_type());
  const bool shape_op = node.op_type() == "Shape" || node.op_type() == "Size";
  if (!all_constant && lower == nullptr && !shape_op) fail(where, "not supported");

  // 1. Shape plumbing known at import time folds to constants (never through parameters).
  if ((all_constant && !has_param) || shape_op) {
    if (auto values = fold_node(node, tensors_, opset_, where)) {
      TensorInfo t;
      t.value = std::move((*values)[0]);
      t.shape = t.value->dims;
      t.elem_type = t.value->elem_type;
      t.is_constant = true;
      t.weight_source = weight_source_of(node);
      tensors_[node.output(0)] = std::move(t);
      return;
    }
  }

  // 2. Static output shapes from ONNX's inference function for this op.
  const auto inferred = infer_node(node, tensors_, opset_, where);
  for (int o = 0; o < node.output_size(); ++o) {
    if (node.output(o).empty() || !inferred[static_cast<size_t>(o)].known) continue;
    TensorInfo t;
    t.shape = inferred[static_cast<size_t>(o)].shape;
    t.elem_type = inferred[static_cast<size_t>(o)].elem_type;
    t.is_constant = all_constant;
    tensors_[node.output(o)] = std::move(t);
  }

  // 3. A constant sub-graph that is not shape plumbing (a transposed/reshaped/expanded weight,
  // a slice of a mask buffer) is a parameter view, computed at export time, not at run time;
  // a Gather from a parameter table (an embedding) is real work even with constant indices.
  const bool embedding = node.op_type() == "Gather" && is_param(node.input(0));
  if (all_constant && !embedding) {
    const std::string src = weight_source_of(node);
    for (const auto& out : node.output())
      if (!out.empty() && tensors_.count(out)) tensors_[out].weight_source = src;
    return;
  }

  if (node.output_size() == 0 || node.output(0).empty() || !tensors_.count(node.output(0)))
    fail(where, fmt::format("cannot infer a static shape for output '{}'",
                            node.output_size() ? node.output(0) : ""));

  // 4. Lowering to orrery ops.
  if (node.op_type() == "ReduceMean" && fuse_layer_norm(g, index, where)) return;
  if (lower == nullptr) fail(where, "not supported");
  const int32_t elem = tensors_.at(node.output(0)).elem_type;
  const DType dtype = options_.dtype ? *options_.dtype
                                     : dtype_of(is_float_type(elem) || node.input_size() == 0
                                                    ? elem
                                                    : tensors_.at(node.input(0)).elem_type);
  LoweringContext ctx(node, tensors_, claimed_, dtype, opset_, where);
  lower(ctx);
  add_ops(ctx);
}

bool Importer::fuse_layer_norm(const ::onnx::GraphProto& g, int index, const std::string& where) {
  const auto match = match_layer_norm(g, index, consumers_, tensors_, opset_);
  if (!match) return false;
  const TensorInfo& x = tensors_.at(match->input);
  NormParams p;
  p.type = NormParams::Type::layer;
  p.rows = match->rows;
  p.cols = match->cols;
  auto claim = [&](const std::string& t) {
    return !t.empty() && is_param(t) && claimed_.insert(tensors_.at(t).weight_source).second;
  };
  const bool scale = claim(match->scale), bias = claim(match->bias);
  p.channels = scale || bias ? p.cols : 0;
  const DType dtype = options_.dtype ? *options_.dtype : dtype_of(x.elem_type);
  Op op = [&] {
    try {
      return make_op(g.node(index).name().empty() ? match->output : g.node(index).name(), p, dtype);
    } catch (const WorkloadError& e) {
      fail(where, e.what());
    }
  }();
  if (p.channels > 0 && !(scale && bias)) op.weights.pop_back();
  TensorInfo out;
  out.shape = x.shape;
  out.elem_type = x.elem_type;
  tensors_[match->output] = out;
  for (int n : match->nodes) fused_.insert(n);
  std::vector<size_t> producers;
  if (auto it = producer_.find(resolve(match->input)); it != producer_.end()) producers.push_back(it->second);
  const size_t added = graph_.add(std::move(op), producers);
  graph_.mutable_ops()[added].inputs.at(0).name = resolve(match->input);
  graph_.mutable_ops()[added].outputs.at(0).name = match->output;
  producer_[match->output] = added;
  return true;
}

void Importer::add_ops(LoweringContext& ctx) {
  // Parameters the lowering did not account for become extra weights of its last op.
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.is_param(i) || ctx.is_claimed(i) || ctx.is_setting(i)) continue;
    if (ctx.emitted().empty())
      ctx.fail(fmt::format("parameter '{}' is not used by any op", ctx.input_name(i)));
    ctx.claim(i);
    ctx.emitted().back().op.weights.push_back({ctx.input(i).weight_source, ctx.param_shape(i), ctx.dtype()});
  }
  for (const auto& [out, in] : ctx.aliases()) {
    const std::string target = resolve(in);
    alias_of_[out] = target;
  }
  for (auto& e : ctx.emitted()) {
    std::vector<size_t> producers;
    for (const auto& in : e.inputs) {
      auto it = producer_.find(resolve(in));
      if (it != producer_.end()) producers.push_back(it->second);
    }
    const size_t index = graph_.add(std::move(e.op), producers);
    Op& op = graph_.mutable_ops()[index];
    for (size_t i = 0; i < e.inputs.size() && i < op.inputs.size(); ++i)
      op.inputs[i].name = resolve(e.inputs[i]);
    op.outputs.at(0).name = e.output;
    producer_[e.output] = index;
  }
}

Graph Importer::run() {
  if (options_.batch < 1) throw WorkloadError(fmt::format("--batch {}: expected >= 1", options_.batch));
  const ::onnx::ModelProto model = read_model(path_);
  opset_ = default_opset(model, path_);
  const auto& g = model.graph();
  graph_.set_name(std::filesystem::path(path_).stem().string());
  add_initializers(g);
  add_inputs(g);
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto& in : g.node(i).input())
      if (!in.empty()) consumers_[in].push_back(i);
  const auto order = topological_node_order(g, path_);
  // Constant nodes first: patterns (the decomposed LayerNorm) look ahead at their values.
  for (int index : order)
    if (g.node(index).op_type() == "Constant") visit(g, index);
  for (int index : order) visit(g, index);
  // A model whose nodes only move data by reference (Identity, Reshape, Constant) lowers to no
  // op at all: a valid workload with zero compute, reported as such.
  return std::move(graph_);
}

}  // namespace

Graph import_file(const std::string& path, const ImportOptions& options) {
  return Importer(path, options).run();
}

}  // namespace orrery::workloads::onnx
