#pragma once
// A config value and the typed key definition it must satisfy.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace orrery::config {

using Value = std::variant<int64_t, double, bool, std::string>;

enum class KeyType { integer, real, boolean, string, choice };

// One configuration key, declared once: drives parsing, validation, --set, `orrery list`
// help and the resolved dump. A key without default is required.
struct KeyDef {
  std::string path;  // dotted, e.g. "array.rows"
  KeyType type = KeyType::integer;
  std::string unit;  // "PEs", "bytes/cycle", "Hz", "pJ", "" for dimensionless
  std::string doc;
  std::optional<Value> default_value;
  double min = -std::numeric_limits<double>::infinity();  // inclusive, integer/real only
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // choice only
};

std::string to_string(KeyType type);
std::string to_string(const Value& value);

// Parses `text` as a value of `def`'s type and checks range/choices. Returns the error text
// ("expected integer in [1, 65536], got '0'") instead of throwing so callers can add location.
std::variant<Value, std::string> parse_value(const KeyDef& def, const std::string& text);

// Describes what `def` accepts, for error messages and help: "integer in [1, 65536] PEs".
std::string describe_expected(const KeyDef& def);

}  // namespace orrery::config
