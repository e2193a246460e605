#include "mappers/loopnest/lowering.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "arch/loopnest/limits.hpp"
#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::mappers::loopnest {
namespace {

namespace ln = arch::loopnest;
using workloads::Op;

// Timeloop's CNN-layer dimensions: present in every problem (bound 1 where unused).
constexpr std::array<const char*, 7> kCanonical{"N", "C", "M", "R", "S", "P", "Q"};

bool canonical(const std::string& d) {
  return std::find(kCanonical.begin(), kCanonical.end(), d) != kCanonical.end();
}

// A problem under construction, dimensions by name.
struct Builder {
  std::vector<std::pair<std::string, int64_t>> dims;
  struct Space {
    std::string name;
    std::vector<std::vector<std::pair<std::string, int64_t>>> axes;  // (dim, coefficient) terms
    bool read_write = false;
  };
  std::vector<Space> spaces;
  int64_t repeat = 1;

  int64_t bound(const std::string& d) const {
    for (const auto& [n, b] : dims)
      if (n == d) return b;
    return 0;
  }
  void drop(const std::string d) {  // by value: callers pass names held in `dims`
    dims.erase(std::remove_if(dims.begin(), dims.end(), [&](const auto& x) { return x.first == d; }),
               dims.end());
    for (auto& s : spaces) {
      for (auto& axis : s.axes)
        axis.erase(std::remove_if(axis.begin(), axis.end(), [&](const auto& t) { return t.first == d; }),
                   axis.end());
      s.axes.erase(std::remove_if(s.axes.begin(), s.axes.end(), [](const auto& a) { return a.empty(); }),
                   s.axes.end());
    }
  }

  LoopNestPart finish(std::string label, const std::string& op_name) {
    for (const char* c : kCanonical)
      if (bound(c) == 0) dims.emplace_back(c, 1);
    // Fit the dimension limit: unit dimensions first (extra ones, then Timeloop's), then fold
    // the batch and the groups into repetitions.
    auto over = [&] { return static_cast<int>(dims.size()) > ln::kMaxDims; };
    for (bool canon : {false, true})
      for (size_t i = dims.size(); i-- > 0 && over();)
        if (dims[i].second == 1 && canonical(dims[i].first) == canon) drop(dims[i].first);
    for (const char* d : {"N", "G"})
      if (over() && bound(d) > 1) {
        repeat = checked_mul(repeat, bound(d), op_name + ": repetitions");
        drop(d);
      }
    if (over())
      throw WorkloadError(
          fmt::format("not supported yet: {}: {} loop dimensions on the loop-nest family (at most {})",
                      op_name, dims.size(), ln::kMaxDims));
    LoopNestPart part;
    part.label = std::move(label);
    part.repeat = repeat;
    part.problem.name = part.label.empty() ? op_name : op_name + "." + part.label;
    for (const auto& [n, b] : dims) {
      part.problem.dim_names.push_back(n);
      part.problem.dim_bounds.push_back(b);
    }
    for (const auto& s : spaces) {
      ln::DataSpace ds;
      ds.name = s.name;
      ds.read_write = s.read_write;
      for (const auto& axis : s.axes) {
        std::vector<ln::ProjectionTerm> terms;
        for (const auto& [d, coef] : axis) terms.push_back({part.problem.dim_index(d), coef});
        ds.axes.push_back(std::move(terms));
      }
      if (ds.axes.empty()) ds.axes.push_back({{part.problem.dim_index("N"), 1}});  // a scalar
      part.problem.data_spaces.push_back(std::move(ds));
    }
    part.problem.validate();
    return part;
  }
};

// The op's own loop nest with its dimensions renamed; each tensor projection becomes the data
// space of its role (the second input of a GEMM without weights is Weights). Padding offsets do
// not enter a tile's footprint (as in Timeloop).
Builder from_loop_nest(const workloads::LoopNest& nest, const std::map<std::string, std::string>& rename) {
  Builder b;
  for (const auto& d : nest.dims) b.dims.emplace_back(rename.at(d.name), d.bound);
  bool have_weights = false;
  for (const auto& t : nest.tensors) have_weights |= t.role == workloads::TensorRole::weight;
  int inputs = 0;
  for (const auto& t : nest.tensors) {
    Builder::Space s;
    switch (t.role) {
      case workloads::TensorRole::weight:
        s.name = "Weights";
        break;
      case workloads::TensorRole::output:
        s.name = "Outputs";
        s.read_write = true;
        break;
      case workloads::TensorRole::input:
        s.name = (inputs++ == 1 && !have_weights) ? "Weights" : "Inputs";
        break;
    }
    for (const auto& axis : t.axes) {
      std::vector<std::pair<std::string, int64_t>> terms;
      for (const auto& term : axis.terms) terms.emplace_back(b.dims[term.dim].first, term.coeff);
      s.axes.push_back(std::move(terms));
    }
    b.spaces.push_back(std::move(s));
  }
  // Timeloop's order of data spaces: Weights, Inputs, Outputs.
  auto rank = [](const std::string& n) { return n == "Weights" ? 0 : n == "Inputs" ? 1 : 2; };
  std::stable_sort(b.spaces.begin(), b.spaces.end(),
                   [&](const auto& x, const auto& y) { return rank(x.name) < rank(y.name); });
  return b;
}

// One matmul of attention: Out[n, g*group+h, p, m] += In[n, g*group+h, p, c] * W[n, g, (m, c)].
Builder attention_matmul(const workloads::AttentionParams& a, bool qk) {
  const int64_t group = a.heads / a.kv_heads;
  Builder b;
  b.dims = {{"N", a.batch},
            {"G", a.kv_heads},
            {"H", group},
            {"P", a.q_len},
            {"M", qk ? a.kv_len : a.head_dim},
            {"C", qk ? a.head_dim : a.kv_len}};
  const std::vector<std::pair<std::string, int64_t>> head{{"G", group}, {"H", 1}};
  b.spaces.push_back(
      {"Weights", {{{"N", 1}}, {{"G", 1}}, {{qk ? "M" : "C", 1}}, {{qk ? "C" : "M", 1}}}, false});
  b.spaces.push_back({"Inputs", {{{"N", 1}}, head, {{"P", 1}}, {{"C", 1}}}, false});
  b.spaces.push_back({"Outputs", {{{"N", 1}}, head, {{"P", 1}}, {{"M", 1}}}, true});
  return b;
}

// One matmul of the attention backward, per (batch, head): Out[p, m] += In[p, c] * W[c, m],
// every operand a per-head tensor (the gradients of grouped K/V are per query head, then summed).
Builder attention_backward_matmul(const workloads::AttentionParams& a, int64_t p, int64_t m, int64_t c) {
  const int64_t group = a.heads / a.kv_heads;
  Builder b;
  b.dims = {{"N", a.batch}, {"G", a.kv_heads}, {"H", group}, {"P", p}, {"M", m}, {"C", c}};
  const std::vector<std::pair<std::string, int64_t>> head{{"G", group}, {"H", 1}};
  b.spaces.push_back({"Weights", {{{"N", 1}}, head, {{"C", 1}}, {{"M", 1}}}, false});
  b.spaces.push_back({"Inputs", {{{"N", 1}}, head, {{"P", 1}}, {{"C", 1}}}, false});
  b.spaces.push_back({"Outputs", {{{"N", 1}}, head, {{"P", 1}}, {{"M", 1}}}, true});
  return b;
}

const std::map<std::string, std::string> kGemmDims{{"b", "N"}, {"m", "P"}, {"n", "M"}, {"k", "C"}};
const std::map<std::string, std::string> kConvDims{{"n", "N"},  {"g", "G"},  {"m", "M"},  {"c", "C"},
                                                   {"oz", "Z"}, {"oy", "Q"}, {"ox", "P"}, {"kz", "T"},
                                                   {"ky", "S"}, {"kx", "R"}};

// spmm (out = A X, A sparse) as a row-wise gather over A packed in ELL form: every output row
// r = P takes C = ceil(nnz / rows) nonzeros (rows padded to the average length: a balanced graph
// is assumed), and each nonzero gathers its own row of X, so the gathered X is a data space of
// its own per (row, nonzero): Outputs[P, M] += Weights[P, C] (A's values) * Inputs[P, C, M]
// (the gathered X rows), M = features. Which X row a nonzero picks is data, which a loop nest
// cannot express, so no reuse of an X row between nonzeros is counted (an upper bound on the
// gather traffic). MACs: rows * C * features >= nnz * features.
LoopNestPart spmm_gather(const workloads::SpmmParams& p, const std::string& op_name) {
  Builder b;
  b.dims = {{"P", p.rows}, {"C", ceil_div(p.nnz, p.rows)}, {"M", p.features}};
  b.spaces.push_back({"Weights", {{{"P", 1}}, {{"C", 1}}}, false});
  b.spaces.push_back({"Inputs", {{{"P", 1}}, {{"C", 1}}, {{"M", 1}}}, false});
  b.spaces.push_back({"Outputs", {{{"P", 1}}, {{"M", 1}}}, true});
  return b.finish("ell_gather", op_name);
}

std::vector<LoweredPart> memory_pass(const Op& op) {
  return {MemoryPassPart{checked_add(op.input_bytes(), op.weight_bytes(), op.name + ": bytes read"),
                         op.output_bytes()}};
}

struct LowerOp {
  const Op& op;

  std::vector<LoweredPart> operator()(const workloads::GemmParams& p) const {
    return {from_loop_nest(p.loop_nest(), kGemmDims).finish("", op.name)};
  }
  // Backward passes as the forward-shaped problems that compute them: the data gradient is a
  // conv over dY with the channels swapped, the weight gradient a GEMM (see ConvParams).
  std::vector<LoweredPart> operator()(const workloads::ConvParams& p) const {
    switch (p.pass) {
      case workloads::ConvPass::forward:
        break;
      case workloads::ConvPass::backward_data:
        return {from_loop_nest(p.backward_data_as_forward().loop_nest(), kConvDims).finish("dgrad", op.name)};
      case workloads::ConvPass::backward_weight:
        return {from_loop_nest(p.backward_weight_as_gemm().loop_nest(), kGemmDims).finish("wgrad", op.name)};
    }
    return {from_loop_nest(p.loop_nest(), kConvDims).finish("", op.name)};
  }
  std::vector<LoweredPart> operator()(const workloads::AttentionParams& p) const {
    if (p.backward) {
      std::vector<LoweredPart> parts;
      if (p.recomputes_scores()) parts.push_back(attention_matmul(p, true).finish("qk", op.name));
      parts.push_back(attention_backward_matmul(p, p.kv_len, p.head_dim, p.q_len).finish("dv", op.name));
      parts.push_back(attention_backward_matmul(p, p.q_len, p.kv_len, p.head_dim).finish("dp", op.name));
      parts.push_back(attention_backward_matmul(p, p.q_len, p.head_dim, p.kv_len).finish("dq", op.name));
      parts.push_back(attention_backward_matmul(p, p.kv_len, p.head_dim, p.q_len).finish("dk", op.name));
      return parts;
    }
    return {attention_matmul(p, true).finish("qk", op.name),
            attention_matmul(p, false).finish("av", op.name)};
  }
  // A Timeloop problem (--problem): its own dimensions and data spaces, names and order kept, so
  // that a Timeloop mapping written for it applies.
  std::vector<LoweredPart> operator()(const workloads::LoopNestOpParams& p) const {
    LoopNestPart part;
    part.problem.name = op.name;
    for (const auto& d : p.dims) {
      part.problem.dim_names.push_back(d.name);
      part.problem.dim_bounds.push_back(d.bound);
    }
    for (const auto& ds : p.data_spaces) {
      ln::DataSpace space{ds.name, {}, ds.read_write};
      for (const auto& axis : ds.axes) {
        std::vector<ln::ProjectionTerm> terms;
        for (const auto& t : axis.terms) terms.push_back({t.dim, t.coeff});
        space.axes.push_back(std::move(terms));
      }
      part.problem.data_spaces.push_back(std::move(space));
    }
    part.problem.validate();
    return {part};
  }
  std::vector<LoweredPart> operator()(const workloads::SpmmParams& p) const {
    return {spmm_gather(p, op.name)};
  }
  // No MACs: a memory pass.
  std::vector<LoweredPart> operator()(const workloads::PoolParams&) const { return memory_pass(op); }
  std::vector<LoweredPart> operator()(const workloads::ElementwiseParams&) const { return memory_pass(op); }
  std::vector<LoweredPart> operator()(const workloads::NormParams&) const { return memory_pass(op); }
  std::vector<LoweredPart> operator()(const workloads::SoftmaxParams&) const { return memory_pass(op); }
  std::vector<LoweredPart> operator()(const workloads::EmbeddingParams&) const { return memory_pass(op); }
  std::vector<LoweredPart> operator()(const workloads::ReduceParams&) const { return memory_pass(op); }
  std::vector<LoweredPart> operator()(const workloads::DataMovementParams&) const { return memory_pass(op); }
  std::vector<LoweredPart> operator()(const workloads::CrossEntropyParams&) const { return memory_pass(op); }
  std::vector<LoweredPart> operator()(const workloads::OptimizerParams&) const { return memory_pass(op); }
};

}  // namespace

std::vector<LoweredPart> lower(const Op& op) { return std::visit(LowerOp{op}, op.params); }

workloads::LoopNestOpParams loop_nest_op_params(const ln::Problem& problem) {
  workloads::LoopNestOpParams p;
  for (int d = 0; d < problem.num_dims(); ++d)
    p.dims.push_back({problem.dim_names[d], problem.dim_bounds[d]});
  for (const auto& ds : problem.data_spaces) {
    workloads::LoopNestDataSpace space{ds.name, {}, ds.read_write};
    for (const auto& axis : ds.axes) {
      workloads::AffineIndex index;
      for (const auto& t : axis) index.terms.push_back({t.dim, t.coefficient});
      space.axes.push_back(std::move(index));
    }
    p.data_spaces.push_back(std::move(space));
  }
  return p;
}

std::string shape_key(const LoopNestPart& part) {
  const auto& p = part.problem;
  std::string key = fmt::format("x{}", part.repeat);
  for (int d = 0; d < p.num_dims(); ++d) key += fmt::format(" {}={}", p.dim_names[d], p.dim_bounds[d]);
  for (const auto& ds : p.data_spaces) {
    key += " " + ds.name + (ds.read_write ? "*[" : "[");
    for (const auto& axis : ds.axes) {
      for (const auto& t : axis) key += fmt::format("{}{}+", t.coefficient, p.dim_names[t.dim]);
      key += ',';
    }
    key += ']';
  }
  return key;
}

}  // namespace orrery::mappers::loopnest
