#include "common/config/value.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace orrery::config {

std::string to_string(KeyType type) {
  switch (type) {
    case KeyType::integer:
      return "integer";
    case KeyType::real:
      return "number";
    case KeyType::boolean:
      return "boolean";
    case KeyType::string:
      return "string";
    case KeyType::choice:
      return "one of";
  }
  return "?";
}

std::string to_string(const Value& value) {
  struct Visitor {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return fmt::format("{}", v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string& v) const { return v; }
  };
  return std::visit(Visitor{}, value);
}

namespace {

std::string format_bound(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  return fmt::format("{}", v);
}

std::string join_choices(const std::vector<std::string>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) out += (i ? "|" : "") + choices[i];
  return out;
}

bool has_range(const KeyDef& def) { return !std::isinf(def.min) || !std::isinf(def.max); }

}  // namespace

std::string describe_expected(const KeyDef& def) {
  std::string out;
  switch (def.type) {
    case KeyType::choice:
      return "one of " + join_choices(def.choices);
    case KeyType::boolean:
      return "true|false";
    case KeyType::string:
      return "a string";
    case KeyType::integer:
      out = "an integer";
      break;
    case KeyType::real:
      out = "a number";
      break;
  }
  if (has_range(def)) out += fmt::format(" in [{}, {}]", format_bound(def.min), format_bound(def.max));
  if (!def.unit.empty()) out += " (" + def.unit + ")";
  return out;
}

std::variant<Value, std::string> parse_value(const KeyDef& def, const std::string& text) {
  // Each value is built in place in the result: moving a temporary Value into it makes GCC 12
  // (-O2 with ASan) warn that the string alternative may be read uninitialized (-Wmaybe-uninitialized).
  using Parsed = std::variant<Value, std::string>;
  auto fail = [&] { return fmt::format("expected {}, got '{}'", describe_expected(def), text); };
  switch (def.type) {
    case KeyType::string:
      return Parsed(std::in_place_index<0>, text);
    case KeyType::choice:
      for (const auto& c : def.choices)
        if (c == text) return Parsed(std::in_place_index<0>, text);
      return fail();
    case KeyType::boolean:
      if (text == "true") return Parsed(std::in_place_index<0>, true);
      if (text == "false") return Parsed(std::in_place_index<0>, false);
      return fail();
    case KeyType::integer: {
      int64_t v = 0;
      const auto* end = text.data() + text.size();
      auto [p, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc{} || p != end) return fail();
      if (static_cast<double>(v) < def.min || static_cast<double>(v) > def.max) return fail();
      return Parsed(std::in_place_index<0>, v);
    }
    case KeyType::real: {
      double v = 0;
      const auto* end = text.data() + text.size();
      auto [p, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc{} || p != end || !std::isfinite(v)) return fail();
      if (v < def.min || v > def.max) return fail();
      return Parsed(std::in_place_index<0>, v);
    }
  }
  return fail();
}

}  // namespace orrery::config
