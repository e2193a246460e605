#pragma once
// The explicit table ONNX op type -> lowering function. Adding an op: a function in
// lowering/<family>.cpp and one line in lowering_registry.cpp.
#include <string>
#include <vector>

#include "workloads/onnx/lowering/context.hpp"

namespace orrery::workloads::onnx {

// nullptr when the op type has no lowering (the importer reports it as not supported).
LoweringFn find_lowering(const std::string& op_type);

std::vector<std::string> supported_op_types();

}  // namespace orrery::workloads::onnx
