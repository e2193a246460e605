#include "workloads/zoo/gcn.hpp"

#include <fmt/format.h>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {

Graph build_gcn(SpecArgs& args, const BuildContext& ctx) {
  const int64_t nodes = option_in_range(args, "nodes", 2708, 1, int64_t{1} << 32);
  const int64_t edges = option_in_range(args, "edges", 10556, 0, int64_t{1} << 40);
  const int64_t features = option_in_range(args, "features", 1433, 1, 1 << 24);
  const int64_t hidden = option_in_range(args, "hidden", 16, 1, 1 << 24);
  const int64_t classes = option_in_range(args, "classes", 7, 1, 1 << 24);
  const int64_t layers = option_in_range(args, "layers", 2, 1, 1000);
  if (edges > nodes * (nodes - 1))
    throw WorkloadError(
        fmt::format("--model '{}': edges={} exceeds nodes*(nodes-1) = {} (a simple directed graph)",
                    args.spec(), edges, nodes * (nodes - 1)));
  NetBuilder b("gcn", ctx);
  // A batch is that many disjoint copies of the graph: one block-diagonal adjacency.
  const int64_t rows = b.batch() * nodes, nnz = b.batch() * (edges + nodes);
  Seq x = b.tokens(rows, features);
  for (int64_t i = 0; i < layers; ++i) {
    const std::string p = fmt::format("conv{}", i + 1);
    const int64_t out = i + 1 == layers ? classes : hidden;
    // GCNConv: lin (no bias), propagate, then + bias; the bias is carried by the GEMM here
    // (same parameters and MACs).
    x = b.linear(p + ".lin", x, out, true);
    SpmmParams agg{rows, rows, nnz, out};
    x = Seq{b.append(p + ".propagate", agg, {kGraphInput, x.op}), rows, out};
    if (i + 1 < layers) x = b.act(fmt::format("relu{}", i + 1), "relu", x);
  }
  b.append("log_softmax", SoftmaxParams{rows, classes}, {x.op});
  return b.finish();
}

}  // namespace orrery::workloads::zoo
