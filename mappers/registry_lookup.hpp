#pragma once
// Lookups every family's mapper registry shares: an entry by name, and the names joined for
// error messages ("fixed|search"). `Entry` has a `name` (std::string_view).
#include <span>
#include <string>
#include <string_view>

namespace orrery::mappers {

template <class Entry>
const Entry* find_by_name(std::span<const Entry> entries, std::string_view name) {
  for (const auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

template <class Entry>
std::string names_joined(std::span<const Entry> entries) {
  std::string s;
  for (const auto& e : entries) {
    if (!s.empty()) s += '|';
    s += e.name;
  }
  return s;
}

}  // namespace orrery::mappers
