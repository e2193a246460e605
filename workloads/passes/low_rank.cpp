#include "workloads/passes/low_rank.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "workloads/passes/pass_args.hpp"
#include "workloads/passes/remake_op.hpp"

namespace orrery::workloads::passes {
namespace {

// The two factors of `op`, or nothing when it is not factorizable at this rank.
std::optional<std::pair<OpParams, OpParams>> factor(const Op& op, int64_t rank) {
  if (const auto* g = op.get<GemmParams>()) {
    if (!g->b_is_weight || rank >= std::min(g->k, g->n)) return std::nullopt;
    GemmParams first = *g, second = *g;
    first.n = rank;
    first.bias = false;
    second.k = rank;
    return std::make_pair(OpParams{first}, OpParams{second});
  }
  if (const auto* c = op.get<ConvParams>()) {
    if (c->groups != 1 || c->transposed || rank >= std::min(c->c_out, c->c_in * c->kernel_volume()))
      return std::nullopt;
    ConvParams first = *c, second = *c;
    first.c_out = rank;
    first.bias = false;
    second.c_in = rank;
    second.in = c->out();
    second.kernel = second.stride = second.dilation = {1, 1, 1};
    second.pad_begin = second.pad_end = {0, 0, 0};
    return std::make_pair(OpParams{first}, OpParams{second});
  }
  return std::nullopt;
}

}  // namespace

int64_t parse_low_rank(const std::string& text) {
  return PassArgs(text, "--low-rank", {"rank"}).integer("rank");
}

Graph low_rank(const Graph& graph, int64_t rank) {
  const auto& ops = graph.ops();
  std::vector<std::vector<size_t>> producers(ops.size());
  for (auto [p, c] : graph.edges()) producers[c].push_back(p);
  Graph out(graph.name());
  std::vector<size_t> new_index(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    std::vector<size_t> prods;
    for (size_t p : producers[i]) prods.push_back(new_index[p]);
    auto factors = factor(ops[i], rank);
    if (!factors) {
      new_index[i] = out.add(ops[i], prods);
      continue;
    }
    const size_t first = out.add(remake_op(ops[i], factors->first, ops[i].name + ".low_rank.0"), prods);
    new_index[i] = out.add(remake_op(ops[i], factors->second, ops[i].name + ".low_rank.1"), {first});
  }
  return out;
}

}  // namespace orrery::workloads::passes
