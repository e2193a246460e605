#pragma once
// Access to tests/data/zoo_reference.json (params/MACs counted by PyTorch forward hooks, written by
// tests/data/zoo_reference.py). Tests that need it skip, naming the file, while it is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "workloads/graph.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::test {

inline std::string zoo_reference_path() {
  return std::string(ORRERY_SOURCE_DIR) + "/tests/data/zoo_reference.json";
}

inline std::optional<nlohmann::json> zoo_reference() {
  std::ifstream in(zoo_reference_path());
  if (!in) return std::nullopt;
  return nlohmann::json::parse(in);
}

// MACs of the ops whose names start with `prefix` (conv, linear, matmul and attention ops).
inline int64_t macs_under(const workloads::Graph& g, const std::string& prefix) {
  int64_t n = 0;
  for (const auto& op : g.ops())
    if (op.name.rfind(prefix, 0) == 0) n += op.macs();
  return n;
}

inline int64_t params_under(const workloads::Graph& g, const std::string& prefix) {
  int64_t n = 0;
  for (const auto& op : g.ops())
    if (op.name.rfind(prefix, 0) == 0) n += op.params_count();
  return n;
}

inline const workloads::Op* find_op(const workloads::Graph& g, const std::string& name) {
  for (const auto& op : g.ops())
    if (op.name == name) return &op;
  return nullptr;
}

// Builds a zoo model at batch `batch` in fp16, as the zoo tests compare it.
inline workloads::Graph build(const std::string& spec, int64_t batch = 1) {
  return workloads::zoo::build_model(spec, {batch, workloads::DType::fp16});
}

// MACs of the fused attention ops (QK^T and AV together).
inline int64_t attention_macs(const workloads::Graph& g) {
  int64_t n = 0;
  for (const auto& op : g.ops())
    if (op.kind() == workloads::OpKind::attention) n += op.macs();
  return n;
}

}  // namespace orrery::test
