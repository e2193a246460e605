#pragma once
// Checks shared by every op's validate(): a dimension must be a positive integer.
#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace orrery::workloads {

inline void require_positive(const std::string& where, const char* dim, int64_t value) {
  if (value <= 0)
    throw WorkloadError(fmt::format("{}: {} must be a positive integer, got {}", where, dim, value));
}

inline void require_non_negative(const std::string& where, const char* dim, int64_t value) {
  if (value < 0) throw WorkloadError(fmt::format("{}: {} must be >= 0, got {}", where, dim, value));
}

}  // namespace orrery::workloads
