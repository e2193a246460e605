#pragma once
// The design points of a sweep: the cartesian product of the axes and the mappers, numbered
// 0..points()-1 (first axis slowest, mapper fastest). A point is decoded from its number on
// demand, so memory does not grow with the number of points. A task is one (point, workload).
#include <cstdint>
#include <vector>

#include "common/config/resolved.hpp"
#include "sim/sweep/spec.hpp"

namespace orrery::sim::sweep {

class PointSpace {
 public:
  explicit PointSpace(const SweepSpec& spec);  // throws ConfigError when there are over 2^40 tasks

  uint64_t points() const { return points_; }
  uint64_t tasks() const { return points_ * workloads_; }
  uint64_t workloads() const { return workloads_; }
  uint64_t task(uint64_t point, uint64_t workload) const { return point * workloads_ + workload; }
  uint64_t point_of(uint64_t task) const { return task / workloads_; }
  uint64_t workload_of(uint64_t task) const { return task % workloads_; }

  // Index into each axis's values, in axis order.
  std::vector<uint32_t> value_indices(uint64_t point) const;
  size_t mapper_index(uint64_t point) const { return point % mappers_; }
  std::vector<config::Override> overrides(uint64_t point) const;

 private:
  const SweepSpec* spec_;
  uint64_t points_ = 1, workloads_ = 1, mappers_ = 1;
};

}  // namespace orrery::sim::sweep
