#include "arch/interconnect/collective.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

namespace orrery::arch::interconnect {

std::string to_string(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::all_reduce:
      return "all_reduce";
    case CollectiveKind::all_gather:
      return "all_gather";
    case CollectiveKind::reduce_scatter:
      return "reduce_scatter";
    case CollectiveKind::broadcast:
      return "broadcast";
    case CollectiveKind::send_recv:
      return "send_recv";
  }
  return "?";
}

double bus_factor(CollectiveKind kind, int64_t n) {
  const double nd = static_cast<double>(n);
  switch (kind) {
    case CollectiveKind::all_reduce:
      return 2.0 * (nd - 1) / nd;
    case CollectiveKind::all_gather:
    case CollectiveKind::reduce_scatter:
      return (nd - 1) / nd;
    case CollectiveKind::broadcast:
    case CollectiveKind::send_recv:
      return 1.0;
  }
  return 1.0;
}

namespace {

using Move = std::tuple<int64_t, int64_t, double>;  // src, dst, bytes

// Appends rounds of transfers; a rank's transfer in a round depends on everything that rank
// sent or received in the last round it took part in (the data it forwards, and the order of
// its own sends).
class PlanBuilder {
 public:
  explicit PlanBuilder(Plan& plan) : plan_(plan) {}
  void round(const std::vector<Move>& moves) {
    if (moves.empty()) return;
    std::map<int64_t, std::vector<size_t>> touched;
    for (const auto& [src, dst, bytes] : moves) {
      Transfer t{src, dst, bytes, plan_.rounds, {}};
      if (auto it = last_.find(src); it != last_.end()) t.deps = it->second;
      touched[src].push_back(plan_.transfers.size());
      touched[dst].push_back(plan_.transfers.size());
      plan_.transfers.push_back(std::move(t));
    }
    for (auto& [d, v] : touched) last_[d] = std::move(v);
    ++plan_.rounds;
  }

 private:
  Plan& plan_;
  std::map<int64_t, std::vector<size_t>> last_;
};

// Rings over each of `groups` (all the same size) side by side: `steps` rounds of `piece` bytes
// per rank; both directions where the links are per direction.
void rings(PlanBuilder& b, const std::vector<std::vector<int64_t>>& groups, int64_t steps, double piece,
           bool both_directions) {
  for (int64_t s = 0; s < steps; ++s) {
    std::vector<Move> moves;
    for (const auto& g : groups) {
      const size_t n = g.size();
      if (n < 2) continue;
      for (size_t i = 0; i < n; ++i) {
        if (both_directions && n > 2) {
          moves.emplace_back(g[i], g[(i + 1) % n], piece / 2);
          moves.emplace_back(g[i], g[(i + n - 1) % n], piece / 2);
        } else {
          moves.emplace_back(g[i], g[(i + 1) % n], piece);
        }
      }
    }
    b.round(moves);
  }
}

// Ranks of `group` split by node; empty when the group does not span nodes evenly (then the
// collective runs as one flat ring).
std::vector<std::vector<int64_t>> by_node(const std::vector<int64_t>& group, const Topology& topo) {
  std::map<int64_t, std::vector<int64_t>> m;
  for (int64_t d : group) m[topo.node_of(d)].push_back(d);
  if (m.size() < 2) return {};
  std::vector<std::vector<int64_t>> out;
  for (auto& [node, v] : m) {
    if (!out.empty() && v.size() != out.front().size()) return {};
    out.push_back(v);
  }
  if (out.front().size() < 2) return {};  // one rank per node: a flat ring is the inter-node ring
  return out;
}

std::vector<std::vector<int64_t>> transpose(const std::vector<std::vector<int64_t>>& nodes) {
  std::vector<std::vector<int64_t>> out(nodes.front().size());
  for (const auto& v : nodes)
    for (size_t j = 0; j < v.size(); ++j) out[j].push_back(v[j]);
  return out;
}

void ring_plan(PlanBuilder& b, const Collective& c, const Topology& topo) {
  const auto n = static_cast<int64_t>(c.group.size());
  const bool both = topo.links_per_direction();
  const auto nodes = by_node(c.group, topo);
  const double nd = static_cast<double>(n);
  switch (c.kind) {
    case CollectiveKind::all_reduce:
      if (!nodes.empty()) {
        const auto local = static_cast<int64_t>(nodes.front().size());
        const auto across = transpose(nodes);
        const auto nn = static_cast<int64_t>(nodes.size());
        rings(b, nodes, local - 1, c.bytes / local, both);           // reduce-scatter
        rings(b, across, 2 * (nn - 1), c.bytes / local / nn, both);  // all-reduce
        rings(b, nodes, local - 1, c.bytes / local, both);           // all-gather
      } else {
        rings(b, {c.group}, 2 * (n - 1), c.bytes / nd, both);
      }
      return;
    case CollectiveKind::all_gather:
      if (!nodes.empty()) {
        const auto local = static_cast<int64_t>(nodes.front().size());
        rings(b, transpose(nodes), static_cast<int64_t>(nodes.size()) - 1, c.bytes / nd, both);
        rings(b, nodes, local - 1, c.bytes / local, both);
      } else {
        rings(b, {c.group}, n - 1, c.bytes / nd, both);
      }
      return;
    case CollectiveKind::reduce_scatter:
      if (!nodes.empty()) {
        const auto local = static_cast<int64_t>(nodes.front().size());
        rings(b, nodes, local - 1, c.bytes / local, both);
        rings(b, transpose(nodes), static_cast<int64_t>(nodes.size()) - 1, c.bytes / nd, both);
      } else {
        rings(b, {c.group}, n - 1, c.bytes / nd, both);
      }
      return;
    case CollectiveKind::broadcast: {
      const double chunk = static_cast<double>(topo.spec().chunk_bytes);
      const auto k = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(c.bytes / chunk)));
      for (int64_t t = 0; t < k + n - 2; ++t) {
        std::vector<Move> moves;
        for (int64_t h = 0; h + 1 < n; ++h) {
          const int64_t piece = t - h;
          if (piece < 0 || piece >= k) continue;
          moves.emplace_back(c.group[h], c.group[h + 1],
                             std::min(chunk, c.bytes - static_cast<double>(piece) * chunk));
        }
        b.round(moves);
      }
      return;
    }
    case CollectiveKind::send_recv:
      b.round({{c.group[0], c.group[1], c.bytes}});
      return;
  }
}

// Double binary tree: heap-shaped trees over the group and over its reverse, each with half the
// bytes in chunks; reduce up (deepest ranks first), then broadcast down.
void tree_plan(PlanBuilder& b, const Collective& c, const Topology& topo) {
  const auto n = static_cast<int64_t>(c.group.size());
  const double half = c.bytes / 2;
  const double chunk = static_cast<double>(topo.spec().chunk_bytes);
  const auto k = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(half / chunk)));
  const auto depth_of = [](int64_t i) {
    int64_t d = 0;
    for (int64_t j = i + 1; j > 1; j /= 2) ++d;
    return d;
  };
  const int64_t depth = depth_of(n - 1);
  const auto rank = [&](int tree, int64_t pos) { return c.group[tree == 0 ? pos : n - 1 - pos]; };
  const auto piece_bytes = [&](int64_t piece) {
    return std::min(chunk, half - static_cast<double>(piece) * chunk);
  };
  // Up: the rank at heap position p (depth d >= 1) sends chunk `piece` to its parent in round
  // piece + depth - d.
  for (int64_t t = 0; t < k + depth - 1; ++t) {
    std::vector<Move> moves;
    for (int tree = 0; tree < 2; ++tree)
      for (int64_t p = 1; p < n; ++p) {
        const int64_t piece = t - (depth - depth_of(p));
        if (piece >= 0 && piece < k)
          moves.emplace_back(rank(tree, p), rank(tree, (p - 1) / 2), piece_bytes(piece));
      }
    b.round(moves);
  }
  // Down: the parent of position p (at depth d - 1) sends chunk `piece` in round piece + d - 1.
  for (int64_t t = 0; t < k + depth - 1; ++t) {
    std::vector<Move> moves;
    for (int tree = 0; tree < 2; ++tree)
      for (int64_t p = 1; p < n; ++p) {
        const int64_t piece = t - (depth_of(p) - 1);
        if (piece >= 0 && piece < k)
          moves.emplace_back(rank(tree, (p - 1) / 2), rank(tree, p), piece_bytes(piece));
      }
    b.round(moves);
  }
}

}  // namespace

Plan make_plan(const Collective& c, const Topology& topo, Algorithm algorithm) {
  const size_t need = c.kind == CollectiveKind::send_recv ? 2 : 1;
  if (c.group.size() < need || !(c.bytes >= 0))
    throw std::logic_error(fmt::format("collective {} over {} devices", to_string(c.kind), c.group.size()));
  for (int64_t d : c.group)
    if (d < 0 || d >= topo.devices())
      throw std::logic_error(fmt::format("collective over device {} of {}", d, topo.devices()));
  Plan plan;
  plan.algorithm = algorithm == Algorithm::tree && c.kind == CollectiveKind::all_reduce && c.group.size() > 2
                       ? Algorithm::tree
                       : Algorithm::ring;
  if (c.group.size() < 2 || c.bytes == 0) return plan;
  PlanBuilder b(plan);
  if (plan.algorithm == Algorithm::tree)
    tree_plan(b, c, topo);
  else
    ring_plan(b, c, topo);
  return plan;
}

}  // namespace orrery::arch::interconnect
