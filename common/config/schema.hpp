#pragma once
// The table of keys an architecture family accepts. Every family's schema starts with the keys
// common to all configs (name, family, description).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/value.hpp"

namespace orrery::config {

class Schema {
 public:
  explicit Schema(std::string family);

  Schema& add(KeyDef def);  // throws std::logic_error on a duplicate path (a programming error)
  // Shorthands for numeric keys: no default (nullopt) makes the key required; [lo, hi] inclusive.
  Schema& add_integer(std::string path, std::string unit, std::string doc,
                      std::optional<int64_t> default_value, double lo, double hi);
  Schema& add_real(std::string path, std::string unit, std::string doc, std::optional<double> default_value,
                   double lo, double hi);
  const KeyDef* find(std::string_view path) const;
  const std::vector<KeyDef>& keys() const { return keys_; }
  const std::string& family() const { return family_; }

  // Closest known key to a misspelled one, or "" when none is close enough to suggest.
  std::string suggest(std::string_view path) const;

 private:
  std::string family_;
  std::vector<KeyDef> keys_;
};

}  // namespace orrery::config
