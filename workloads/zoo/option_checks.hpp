#pragma once
// Range checks shared by the zoo builders: an option out of range is a WorkloadError naming the
// model spec and the option.
#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "workloads/spec_args.hpp"

namespace orrery::workloads::zoo {

// Reads integer option `key` (default `fallback`) and checks lo <= value <= hi.
inline int64_t option_in_range(SpecArgs& args, const std::string& key, int64_t fallback, int64_t lo,
                               int64_t hi) {
  const int64_t v = args.integer(key, fallback);
  if (v < lo || v > hi)
    throw WorkloadError(
        fmt::format("--model '{}': {} must be in [{}, {}], got {}", args.spec(), key, lo, hi, v));
  return v;
}

// Fails unless `divisor` divides `value` (e.g. heads and d_model).
inline void require_divides(SpecArgs& args, const std::string& what, int64_t divisor, int64_t value) {
  if (divisor <= 0 || value % divisor)
    throw WorkloadError(
        fmt::format("--model '{}': {} ({} does not divide {})", args.spec(), what, divisor, value));
}

// Reads a choice option (e.g. phase=prefill|decode).
inline std::string option_choice(SpecArgs& args, const std::string& key, const std::string& fallback,
                                 std::initializer_list<const char*> choices) {
  const std::string v = args.text(key, fallback);
  std::string names;
  for (const char* c : choices) {
    if (v == c) return v;
    if (!names.empty()) names += '|';
    names += c;
  }
  throw WorkloadError(fmt::format("--model '{}': {} expected {}, got '{}'", args.spec(), key, names, v));
}

}  // namespace orrery::workloads::zoo
