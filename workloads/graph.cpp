#include "workloads/graph.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::workloads {

size_t Graph::add(Op op, const std::vector<size_t>& producers) {
  const size_t index = ops_.size();
  for (size_t i = 0; i < producers.size(); ++i) {
    if (producers[i] >= index)
      throw std::logic_error(
          fmt::format("graph {}: op {} consumes op {} that is not before it", name_, op.name, producers[i]));
    if (i < op.inputs.size()) op.inputs[i].name = ops_[producers[i]].outputs.at(0).name;
    edges_.emplace_back(producers[i], index);
  }
  ops_.push_back(std::move(op));
  return index;
}

int64_t Graph::params() const {
  int64_t n = 0;
  for (const auto& op : ops_) n = checked_add(n, op.params_count(), name_);
  return n;
}

int64_t Graph::macs() const {
  int64_t n = 0;
  for (const auto& op : ops_) n = checked_add(n, op.macs(), name_);
  return n;
}

}  // namespace orrery::workloads
