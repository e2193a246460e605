#include "workloads/passes/prune.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "workloads/passes/pass_args.hpp"
#include "workloads/passes/remake_op.hpp"

namespace orrery::workloads::passes {
namespace {

bool is_weighted_linear(const Op& op) {
  const auto* g = op.get<GemmParams>();
  return g && g->b_is_weight && g->batch == 1;
}

bool is_plain_conv(const Op& op) {
  const auto* c = op.get<ConvParams>();
  return c && c->groups == 1 && !c->transposed;
}

int64_t out_channels(const Op& op) {
  if (const auto* g = op.get<GemmParams>()) return g->n;
  return op.get<ConvParams>()->c_out;
}

// How a consumer of a pruned tensor relates to its channels.
enum class Role { pass_through, terminal, coupled };

Role role_of(const Op& op, int64_t channels) {
  if (const auto* n = op.get<NormParams>())
    return n->type == NormParams::Type::batch && n->channels == channels ? Role::pass_through : Role::coupled;
  if (const auto* e = op.get<ElementwiseParams>()) {
    const auto* fn = find_elementwise(e->fn);
    return fn && fn->arity == 1 && e->weight_numel == 0 && e->numel % channels == 0 ? Role::pass_through
                                                                                    : Role::coupled;
  }
  if (const auto* p = op.get<PoolParams>()) return p->c == channels ? Role::pass_through : Role::coupled;
  if (const auto* c = op.get<ConvParams>())
    return c->groups == 1 && !c->transposed && c->c_in == channels ? Role::terminal : Role::coupled;
  if (const auto* g = op.get<GemmParams>())
    return g->b_is_weight && g->batch == 1 && g->k == channels ? Role::terminal : Role::coupled;
  return Role::coupled;
}

OpParams shrink(const Op& op, int64_t from, int64_t to, Role role) {
  OpParams p = op.params;
  if (auto* n = std::get_if<NormParams>(&p)) {
    n->rows = n->rows / from * to;
    n->channels = to;
  } else if (auto* e = std::get_if<ElementwiseParams>(&p)) {
    e->numel = e->numel / from * to;
  } else if (auto* pool = std::get_if<PoolParams>(&p)) {
    pool->c = to;
  } else if (auto* c = std::get_if<ConvParams>(&p)) {
    (role == Role::terminal ? c->c_in : c->c_out) = to;
  } else if (auto* g = std::get_if<GemmParams>(&p)) {
    (role == Role::terminal ? g->k : g->n) = to;
  }
  return p;
}

void prune_channels(Graph& graph, double density) {
  const size_t n = graph.size();
  std::vector<std::vector<size_t>> consumers(n);
  std::vector<int> in_degree(n, 0);
  for (auto [p, c] : graph.edges()) {
    consumers[p].push_back(c);
    ++in_degree[c];
  }
  auto& ops = graph.mutable_ops();
  for (size_t i = 0; i < n; ++i) {
    if (!is_weighted_linear(ops[i]) && !is_plain_conv(ops[i])) continue;
    const int64_t from = out_channels(ops[i]);
    const int64_t to = std::max<int64_t>(1, std::llround(density * static_cast<double>(from)));
    if (to == from || consumers[i].empty()) continue;
    // Walk forward through per-channel ops to the layers that read these channels.
    std::vector<std::pair<size_t, Role>> affected;
    std::vector<size_t> frontier = consumers[i];
    std::vector<bool> seen(n, false);
    bool coupled = false;
    while (!frontier.empty() && !coupled) {
      const size_t j = frontier.back();
      frontier.pop_back();
      if (seen[j]) continue;
      seen[j] = true;
      const Role role = in_degree[j] == 1 ? role_of(ops[j], from) : Role::coupled;
      if (role == Role::coupled || (role == Role::pass_through && consumers[j].empty())) {
        coupled = true;
        break;
      }
      affected.emplace_back(j, role);
      if (role == Role::pass_through)
        frontier.insert(frontier.end(), consumers[j].begin(), consumers[j].end());
    }
    if (coupled) continue;
    ops[i] = remake_op(ops[i], shrink(ops[i], from, to, Role::pass_through));
    for (auto [j, role] : affected) ops[j] = remake_op(ops[j], shrink(ops[j], from, to, role));
  }
}

}  // namespace

PruneOptions parse_prune(const std::string& text) {
  PassArgs args(text, "--prune", {"density", "structured"});
  PruneOptions o;
  o.density = args.real("density");
  if (!(o.density > 0.0 && o.density <= 1.0))
    args.fail(fmt::format("density must be in (0, 1], got {}", o.density));
  const std::string s = args.text("structured", "none");
  if (s != "none" && s != "channel") args.fail(fmt::format("structured expected channel|none, got '{}'", s));
  o.structured_channel = s == "channel";
  return o;
}

void prune(Graph& graph, const PruneOptions& options) {
  if (options.structured_channel) {
    prune_channels(graph, options.density);
    return;
  }
  for (Op& op : graph.mutable_ops())
    if (is_weighted_linear(op) || op.kind() == OpKind::conv) op.weight_density = options.density;
}

}  // namespace orrery::workloads::passes
