#pragma once
// Overflow-checked integer arithmetic for workload dimensions and counters: a layer whose MACs
// overflow int64 is bad input, not undefined behaviour.
#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace orrery {

inline int64_t checked_mul(int64_t a, int64_t b, const std::string& what) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw WorkloadError(what + ": value overflows 64-bit integer");
  return r;
}

inline int64_t checked_add(int64_t a, int64_t b, const std::string& what) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw WorkloadError(what + ": value overflows 64-bit integer");
  return r;
}

constexpr int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace orrery
