#pragma once
// The nodes of an ONNX graph in a topological order, computed with Boost.Graph even when the
// file is already sorted (the ONNX spec requires it, not every exporter honours it).
#include <string>
#include <vector>

namespace onnx {
class GraphProto;
}

namespace orrery::workloads::onnx {

// Indices into graph.node(): the file's order when it is already topological, else Boost's
// order. Throws WorkloadError naming `path` and a node on the cycle when the
// graph is cyclic, or a tensor no node, input or initializer defines.
std::vector<int> topological_node_order(const ::onnx::GraphProto& graph, const std::string& path);

}  // namespace orrery::workloads::onnx
