#pragma once
// --low-rank rank=R: every linear layer (a GEMM with a weight, K -> N) and every conv layer
// (groups 1, not transposed) whose weight matrix has rank room, R < min(N, K) with K the
// layer's fan-in (in features; conv: C_in * kernel volume), becomes two thinner layers:
//   linear: "<name>.low_rank.0" K -> R (no bias), then "<name>.low_rank.1" R -> N (the bias);
//   conv:   "<name>.low_rank.0" the same k x k conv (stride, padding, dilation) to R channels,
//           then "<name>.low_rank.1" a 1x1 conv R -> N (the bias).
// Parameters K*N -> R*(K+N); MACs per output row/pixel likewise.
#include <string>

#include "workloads/graph.hpp"

namespace orrery::workloads::passes {

int64_t parse_low_rank(const std::string& text);  // "rank=R"

Graph low_rank(const Graph& graph, int64_t rank);

}  // namespace orrery::workloads::passes
