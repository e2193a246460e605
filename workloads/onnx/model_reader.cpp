#include "workloads/onnx/model_reader.hpp"

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/error.hpp"

namespace orrery::workloads::onnx {

::onnx::ModelProto read_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WorkloadError(fmt::format("--onnx {}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw WorkloadError(fmt::format("--onnx {}: read error", path));
  const std::string bytes = std::move(buffer).str();
  if (bytes.empty()) throw WorkloadError(fmt::format("--onnx {}: empty file, not an ONNX model", path));

  ::onnx::ModelProto model;
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    throw WorkloadError(
        fmt::format("--onnx {}: not an ONNX model, or truncated (protobuf parse failed)", path));
  if (model.ir_version() <= 0 || !model.has_graph() || model.graph().node_size() == 0)
    throw WorkloadError(fmt::format("--onnx {}: not an ONNX model (no IR version or no graph nodes)", path));
  return model;
}

int default_opset(const ::onnx::ModelProto& model, const std::string& path) {
  for (const auto& op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") return static_cast<int>(op.version());
  throw WorkloadError(fmt::format("--onnx {}: no opset import for the default ONNX domain", path));
}

}  // namespace orrery::workloads::onnx
