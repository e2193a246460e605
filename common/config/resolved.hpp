#pragma once
// A fully resolved, validated configuration: every key of the family's schema has a value
// (from the file, a --set override, or the declared default) and remembers where it came from.
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/schema.hpp"

namespace orrery::config {

struct Entry {
  Value value;
  std::string origin;  // "FILE:LINE:COL", "--set", or "default"
};

// A `key.path=value` override as given on the command line or by a sweep axis.
struct Override {
  std::string path;
  std::string value;
};
Override parse_override(const std::string& text);  // throws UsageError if there is no '='

class Resolved {
 public:
  Resolved(std::shared_ptr<const Schema> schema, std::string file, std::map<std::string, Entry> values);

  const std::string& family() const { return schema_->family(); }
  const std::string& name() const;
  const std::string& file() const { return file_; }
  const Schema& schema() const { return *schema_; }
  const std::map<std::string, Entry>& entries() const { return values_; }

  // Typed access. Asking for an undeclared key or the wrong type is a programming error
  // (std::logic_error): the schema guarantees the key exists and has the declared type.
  int64_t integer(std::string_view path) const;
  double real(std::string_view path) const;  // integer values convert
  bool boolean(std::string_view path) const;
  const std::string& string(std::string_view path) const;

  // A copy with overrides applied, each checked against the schema; all problems are reported
  // together in one ConfigError.
  Resolved with_overrides(const std::vector<Override>& overrides) const;

  nlohmann::json to_json() const;  // flat {"key.path": value}, sorted
  std::string to_yaml() const;     // nested YAML, loadable again
  std::string hash() const;        // 16 hex digits of FNV-1a over the canonical JSON

 private:
  const Entry& entry(std::string_view path) const;
  std::shared_ptr<const Schema> schema_;
  std::string file_;
  std::map<std::string, Entry> values_;
};

}  // namespace orrery::config
