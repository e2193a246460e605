#pragma once
// Loads an ONNX ModelProto from a file. Weight data is never needed: shape-only files (raw data
// stripped) and external-data files (the data files need not exist) load the same way.
#include <onnx/onnx_pb.h>

#include <string>

namespace orrery::workloads::onnx {

// Throws WorkloadError naming `path` when the file is missing, unreadable, truncated or not an
// ONNX model.
::onnx::ModelProto read_model(const std::string& path);

// The opset version of the default ("" / "ai.onnx") domain.
int default_opset(const ::onnx::ModelProto& model, const std::string& path);

}  // namespace orrery::workloads::onnx
