#pragma once
// --prune density=D[,structured=channel], 0 < D <= 1.
//
// Unstructured (the default): every weight-bearing compute op (linear GEMM, conv) gets
// Op::weight_density = D, the fraction of its weights left nonzero. Shapes, dense MACs and
// parameter counts do not change; architectures that declare sparse support scale the
// effective MACs and weight traffic of the op by weight_density, the others ignore it.
//
// structured=channel: output channels of conv layers (groups 1) and output features of linear
// layers shrink to round(D * n) (at least 1), and the input channels of the layers that consume
// them shrink with them, through per-channel ops in between (batchnorm, single-input
// activations, pooling). A layer is left whole when its channels are coupled to another tensor
// (they reach a residual add, a multiply, a concat, attention, a reshape, a grouped or
// depthwise conv, or a graph output): pruning those needs the coupled layers pruned together.
#include <string>

#include "workloads/graph.hpp"

namespace orrery::workloads::passes {

struct PruneOptions {
  double density = 1.0;
  bool structured_channel = false;
};

PruneOptions parse_prune(const std::string& text);

void prune(Graph& graph, const PruneOptions& options);

}  // namespace orrery::workloads::passes
