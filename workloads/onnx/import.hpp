#pragma once
// ONNX import (--onnx FILE): shape inference, constant folding of shape sub-graphs, lowering
// of nodes to orrery ops. An unsupported node is a WorkloadError naming its op type and name.
#include <optional>
#include <string>

#include "workloads/graph.hpp"

namespace orrery::workloads::onnx {

struct ImportOptions {
  std::optional<DType> dtype;  // override the file's element types
  int64_t batch = 1;           // value for a symbolic/dynamic batch dimension
};

Graph import_file(const std::string& path, const ImportOptions& options = {});

}  // namespace orrery::workloads::onnx
