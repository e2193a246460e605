#include "arch/loopnest/problem.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

int Problem::dim_index(const std::string& n) const {
  for (int i = 0; i < num_dims(); ++i)
    if (dim_names[i] == n) return i;
  return -1;
}

int Problem::data_space_index(const std::string& n) const {
  for (int i = 0; i < num_data_spaces(); ++i)
    if (data_spaces[i].name == n) return i;
  return -1;
}

int64_t Problem::macs() const {
  int64_t m = 1;
  for (int64_t b : dim_bounds) m = checked_mul(m, b, "problem " + name + ": MAC count");
  return m;
}

void Problem::validate() const {
  if (dim_names.empty()) throw WorkloadError(fmt::format("problem {}: no dimensions", name));
  if (num_dims() > kMaxDims)
    throw WorkloadError(
        fmt::format("problem {}: {} dimensions, at most {} supported", name, num_dims(), kMaxDims));
  if (dim_bounds.size() != dim_names.size())
    throw WorkloadError(
        fmt::format("problem {}: {} bounds for {} dimensions", name, dim_bounds.size(), num_dims()));
  for (int d = 0; d < num_dims(); ++d)
    if (dim_bounds[d] < 1)
      throw WorkloadError(fmt::format("problem {}: dimension {}: bound must be >= 1, got {}", name,
                                      dim_names[d], dim_bounds[d]));
  if (data_spaces.empty() || num_data_spaces() > kMaxDataSpaces)
    throw WorkloadError(
        fmt::format("problem {}: {} data spaces, expected 1 to {}", name, num_data_spaces(), kMaxDataSpaces));
  for (const auto& ds : data_spaces) {
    if (ds.axes.empty() || static_cast<int>(ds.axes.size()) > kMaxAxes)
      throw WorkloadError(fmt::format("problem {}: data space {}: {} projection axes, expected 1 to {}", name,
                                      ds.name, ds.axes.size(), kMaxAxes));
    for (const auto& axis : ds.axes) {
      if (axis.empty() || static_cast<int>(axis.size()) > kMaxTermsPerAxis)
        throw WorkloadError(fmt::format("problem {}: data space {}: an axis has {} terms, expected 1 to {}",
                                        name, ds.name, axis.size(), kMaxTermsPerAxis));
      for (const auto& t : axis) {
        if (t.dim < 0 || t.dim >= num_dims())
          throw WorkloadError(fmt::format("problem {}: data space {}: dimension index {} out of range", name,
                                          ds.name, t.dim));
        if (t.coefficient < 1)
          throw WorkloadError(fmt::format("problem {}: data space {}: coefficient of {} must be >= 1, got {}",
                                          name, ds.name, dim_names[t.dim], t.coefficient));
      }
    }
  }
}

}  // namespace orrery::arch::loopnest
