#include "workloads/passes/pass_args.hpp"

#include <fmt/format.h>

#include <charconv>

#include "common/error.hpp"

namespace orrery::workloads::passes {

PassArgs::PassArgs(const std::string& text, std::string what, std::initializer_list<const char*> allowed)
    : text_(text), what_(std::move(what)) {
  std::string keys;
  for (const char* k : allowed) {
    if (!keys.empty()) keys += ", ";
    keys += k;
  }
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(start, comma - start);
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      fail(fmt::format("expected key=value ({}), got '{}'", keys, item));
    const std::string key = item.substr(0, eq);
    bool known = false;
    for (const char* k : allowed) known = known || key == k;
    if (!known) fail(fmt::format("unknown key '{}' (expected {})", key, keys));
    if (values_.count(key)) fail(fmt::format("key '{}' given twice", key));
    values_[key] = item.substr(eq + 1);
    start = comma + 1;
  }
}

void PassArgs::fail(const std::string& message) const {
  throw WorkloadError(fmt::format("{} '{}': {}", what_, text_, message));
}

std::string PassArgs::text(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

double PassArgs::real(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) fail(fmt::format("missing required key {}", key));
  double v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size())
    fail(fmt::format("{} expected a number, got '{}'", key, s));
  return v;
}

int64_t PassArgs::integer(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) fail(fmt::format("missing required key {}", key));
  int64_t v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v <= 0)
    fail(fmt::format("{} expected a positive integer, got '{}'", key, s));
  return v;
}

}  // namespace orrery::workloads::passes
