#pragma once
// The workload as a loop nest: named dimensions with bounds, and data spaces (tensors) whose
// coordinates are affine projections of the dimensions. A conv's Inputs width coordinate is
// Wstride*P + Wdilation*R, so a tile with extents P' and R' touches
// (P'-1)*Wstride + (R'-1)*Wdilation + 1 input columns (tile_footprint.hpp).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arch/loopnest/limits.hpp"

namespace orrery::arch::loopnest {

// One term of a projection: coefficient x dimension.
struct ProjectionTerm {
  int dim = 0;
  int64_t coefficient = 1;
};

// One tensor. `axes[a]` lists the terms whose sum is coordinate a.
struct DataSpace {
  std::string name;
  std::vector<std::vector<ProjectionTerm>> axes;
  bool read_write = false;  // partial sums: updated by the computes, drained to the parent
};

struct Problem {
  std::string name;
  std::vector<std::string> dim_names;
  std::vector<int64_t> dim_bounds;
  std::vector<DataSpace> data_spaces;
  // Named coefficients (Wstride, Hdilation, ...) with the values used in the projections above.
  std::vector<std::pair<std::string, int64_t>> coefficients;

  int num_dims() const { return static_cast<int>(dim_names.size()); }
  int num_data_spaces() const { return static_cast<int>(data_spaces.size()); }
  // -1 when absent.
  int dim_index(const std::string& name) const;
  int data_space_index(const std::string& name) const;
  // Product of all bounds: the number of multiply-accumulates.
  int64_t macs() const;
  // Throws WorkloadError naming the problem and the offending dimension or data space.
  void validate() const;
};

}  // namespace orrery::arch::loopnest
