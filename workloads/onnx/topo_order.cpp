#include "workloads/onnx/topo_order.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <unordered_map>
#include <unordered_set>

#include "common/error.hpp"

namespace orrery::workloads::onnx {

std::vector<int> topological_node_order(const ::onnx::GraphProto& graph, const std::string& path) {
  const int n = graph.node_size();
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < n; ++i)
    for (const auto& out : graph.node(i).output())
      if (!out.empty()) producer.emplace(out, i);
  std::unordered_set<std::string> defined;
  for (const auto& in : graph.input()) defined.insert(in.name());
  for (const auto& init : graph.initializer()) defined.insert(init.name());

  using DiGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  DiGraph g(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    for (const auto& in : graph.node(i).input()) {
      if (in.empty()) continue;
      auto it = producer.find(in);
      if (it != producer.end())
        boost::add_edge(static_cast<size_t>(it->second), static_cast<size_t>(i), g);
      else if (defined.count(in) == 0)
        throw WorkloadError(
            fmt::format("--onnx {}: node '{}' (op {}): input '{}' is not defined by any node, input or "
                        "initializer",
                        path, graph.node(i).name(), graph.node(i).op_type(), in));
    }

  std::vector<size_t> reversed;
  try {
    boost::topological_sort(g, std::back_inserter(reversed));
  } catch (const boost::not_a_dag&) {
    // Name one node that lies on a cycle: one reachable from itself.
    std::string culprit = "?";
    for (int i = 0; i < n && culprit == "?"; ++i) {
      std::vector<size_t> stack{static_cast<size_t>(i)};
      std::vector<bool> seen(static_cast<size_t>(n), false);
      while (!stack.empty() && culprit == "?") {
        const size_t v = stack.back();
        stack.pop_back();
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
          const size_t t = boost::target(*e, g);
          if (t == static_cast<size_t>(i))
            culprit = fmt::format("'{}' (op {})", graph.node(i).name(), graph.node(i).op_type());
          if (!seen[t]) {
            seen[t] = true;
            stack.push_back(t);
          }
        }
      }
    }
    throw WorkloadError(fmt::format("--onnx {}: the graph has a cycle through node {}", path, culprit));
  }
  // The sort proves the graph acyclic. Where the file's own order is already topological (the
  // ONNX rule), keep it: it is the exporter's layer order, which users recognise in reports.
  bool file_order_ok = true;
  for (int i = 0; i < n && file_order_ok; ++i)
    for (const auto& in : graph.node(i).input()) {
      auto it = in.empty() ? producer.end() : producer.find(in);
      if (it != producer.end() && it->second >= i) file_order_ok = false;
    }
  if (file_order_ok) {
    std::vector<int> order(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    return order;
  }
  return std::vector<int>(reversed.rbegin(), reversed.rend());
}

}  // namespace orrery::workloads::onnx
