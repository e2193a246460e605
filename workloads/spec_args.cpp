#include "workloads/spec_args.hpp"

#include <fmt/format.h>

#include <charconv>

#include "common/error.hpp"

namespace orrery::workloads {

SpecArgs::SpecArgs(const std::string& text, std::string what) : spec_(text), what_(std::move(what)) {
  const auto colon = text.find(':');
  head_ = text.substr(0, colon);
  if (head_.empty()) throw WorkloadError(fmt::format("{} '{}': expected NAME[:key=value,...]", what_, text));
  if (colon == std::string::npos) return;
  size_t start = colon + 1;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(start, comma - start);
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw WorkloadError(fmt::format("{} '{}': expected key=value, got '{}'", what_, text, item));
    const std::string key = item.substr(0, eq);
    if (values_.count(key))
      throw WorkloadError(fmt::format("{} '{}': key '{}' given twice", what_, text, key));
    values_[key] = item.substr(eq + 1);
    start = comma + 1;
  }
}

int64_t SpecArgs::parse_int(const std::string& key, const std::string& value) const {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || p != value.data() + value.size())
    throw WorkloadError(fmt::format("{} '{}': {} expected an integer, got '{}'", what_, spec_, key, value));
  return v;
}

int64_t SpecArgs::integer(const std::string& key) {
  auto it = values_.find(key);
  if (it == values_.end())
    throw WorkloadError(fmt::format("{} '{}': missing required key {}", what_, spec_, key));
  used_[key] = true;
  const int64_t v = parse_int(key, it->second);
  if (v <= 0)
    throw WorkloadError(fmt::format("{} '{}': {} must be a positive integer, got {}", what_, spec_, key, v));
  return v;
}

int64_t SpecArgs::integer(const std::string& key, int64_t fallback) {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  used_[key] = true;
  const int64_t v = parse_int(key, it->second);
  if (v < 0) throw WorkloadError(fmt::format("{} '{}': {} must be >= 0, got {}", what_, spec_, key, v));
  return v;
}

std::string SpecArgs::text(const std::string& key, const std::string& fallback) {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  used_[key] = true;
  return it->second;
}

bool SpecArgs::flag(const std::string& key, bool fallback) {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  used_[key] = true;
  if (it->second == "1" || it->second == "true") return true;
  if (it->second == "0" || it->second == "false") return false;
  throw WorkloadError(fmt::format("{} '{}': {} expected 0|1, got '{}'", what_, spec_, key, it->second));
}

void SpecArgs::finish() const {
  for (const auto& [key, value] : values_)
    if (!used_.count(key)) throw WorkloadError(fmt::format("{} '{}': unknown key '{}'", what_, spec_, key));
}

}  // namespace orrery::workloads
