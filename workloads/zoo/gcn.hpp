#pragma once
// A graph convolutional network (Kipf & Welling; PyG GCNConv layers): per layer a dense transform
// X W (a GEMM) and a sparse aggregation A_hat (X W) over the normalized adjacency with self loops
// (an spmm with nnz = edges + nodes). Defaults are the Cora citation graph.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_gcn(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
