#pragma once
// Turns the command line's workload arguments into a Graph: exactly one of --model, --onnx,
// --op, --topology; --batch and --dtype apply to all of them.
#include <cstdint>
#include <optional>
#include <string>

#include "workloads/graph.hpp"

namespace orrery::sim {

struct WorkloadArgs {
  std::string model, onnx, op, topology;
  int64_t batch = 1;
  std::optional<std::string> dtype;
};

workloads::Graph load_workload(const WorkloadArgs& args);

}  // namespace orrery::sim
