#include "workloads/onnx/import.hpp"

#include "common/error.hpp"

namespace orrery::workloads::onnx {

Graph import_file(const std::string& path, const ImportOptions&) {
  throw WorkloadError("--onnx " + path + ": not supported yet: ONNX import");
}

}  // namespace orrery::workloads::onnx
