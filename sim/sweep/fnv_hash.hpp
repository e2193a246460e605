#pragma once
// 64-bit FNV-1a as 16 hex digits: the same hash Resolved::hash() uses, for sweep keys.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace orrery::sim::sweep {

inline uint64_t fnv1a(std::string_view text, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

inline std::string fnv1a_hex(std::string_view text) { return fmt::format("{:016x}", fnv1a(text)); }

}  // namespace orrery::sim::sweep
