#include "workloads/zoo/gcn.hpp"

#include <fmt/format.h>

#include "workloads/zoo/net_builder.hpp"
#include "workloads/zoo/option_checks.hpp"

namespace orrery::workloads::zoo {

Graph build_gcn(SpecArgs& args, const BuildContext& ctx) {
  // dataset: the sizes of Cora (2,708 nodes, 10,556 directed edges, 1,433 features, 7 classes;
  // the default) or OGB's ogbn-arxiv (169,343 nodes, 1,166,243 edges, 128 features, 40
  // classes; Hu et al., Open Graph Benchmark, 2020); each overridable by its own option.
  const std::string dataset = option_choice(args, "dataset", "cora", {"cora", "ogbn-arxiv"});
  const bool arxiv = dataset == "ogbn-arxiv";
  const int64_t nodes = option_in_range(args, "nodes", arxiv ? 169343 : 2708, 1, int64_t{1} << 32);
  const int64_t edges = option_in_range(args, "edges", arxiv ? 1166243 : 10556, 0, int64_t{1} << 40);
  const int64_t features = option_in_range(args, "features", arxiv ? 128 : 1433, 1, 1 << 24);
  const int64_t hidden = option_in_range(args, "hidden", arxiv ? 256 : 16, 1, 1 << 24);
  const int64_t classes = option_in_range(args, "classes", arxiv ? 40 : 7, 1, 1 << 24);
  const int64_t layers = option_in_range(args, "layers", arxiv ? 3 : 2, 1, 1000);  // OGB's GCN: 3 x 256
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
