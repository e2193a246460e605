#pragma once
// A workload: ops in topological order and the producer->consumer edges between them.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "workloads/op.hpp"

namespace orrery::workloads {

class Graph {
 public:
  explicit Graph(std::string name = "graph") : name_(std::move(name)) {}

  // Appends `op`; `producers` are indices of earlier ops whose first output feeds the op's
  // inputs in order (input i is renamed to producer i's output). Returns the op's index.
  size_t add(Op op, const std::vector<size_t>& producers = {});

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  const std::vector<Op>& ops() const { return ops_; }
  std::vector<Op>& mutable_ops() { return ops_; }
  const std::vector<std::pair<size_t, size_t>>& edges() const { return edges_; }
  size_t size() const { return ops_.size(); }

  int64_t params() const;
  int64_t macs() const;

 private:
  std::string name_;
  std::vector<Op> ops_;
  std::vector<std::pair<size_t, size_t>> edges_;  // (producer, consumer)
};

}  // namespace orrery::workloads
