#pragma once
// Turns the command line's workload arguments into a Graph: exactly one of --model, --onnx,
// --op, --topology, --problem; --batch and --dtype apply to all of them. The compression passes
// (--prune, --low-rank, --quantize) then transform the loaded graph, in that order.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workloads/graph.hpp"

namespace orrery::sim {

struct WorkloadArgs {
  std::string model, onnx, op, topology;
  std::vector<std::string> onnx_inputs;  // --onnx-input: TensorProto files with graph-input values
  std::string problem;                   // a Timeloop problem file: one generic loop nest
  int64_t batch = 1;
  std::optional<std::string> dtype;
  std::string quantize;  // int8|int4|fp8
  std::string prune;     // density=D[,structured=channel]
  std::string low_rank;  // rank=R
  // How the framework runs a zoo model (workloads::zoo::BuildContext): op by op (a GPU's
  // software.launch=eager), and as a training step (--train).
  bool eager = false, training = false;
};

workloads::Graph load_workload(const WorkloadArgs& args);

}  // namespace orrery::sim
