#include "arch/loopnest/yaml_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace orrery::arch::loopnest::yaml {

YAML::Node load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot open file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return load_text(ss.str(), path);
}

YAML::Node load_text(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(
        fmt::format("{}:{}:{}: YAML syntax error: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

void rethrow(const std::string& source, const YAML::Exception& e) {
  if (e.mark.is_null()) throw ConfigError(fmt::format("{}: unexpected structure: {}", source, e.msg));
  throw ConfigError(
      fmt::format("{}:{}:{}: unexpected structure: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
}

std::string where(const std::string& source, const YAML::Node& node) {
  if (!node || node.Mark().is_null()) return source;
  return fmt::format("{}:{}:{}", source, node.Mark().line + 1, node.Mark().column + 1);
}

std::string describe(const YAML::Node& node) {
  if (!node || node.IsNull()) return "nothing";
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a sequence";
  return "a map";
}

void fail(const std::string& source, const YAML::Node& node, const std::string& key,
          const std::string& expected, const std::string& got) {
  throw ConfigError(fmt::format("{}: {}: expected {}, got {}", where(source, node), key, expected, got));
}

int64_t as_int(const YAML::Node& node, const std::string& source, const std::string& key) {
  if (!node || !node.IsScalar()) fail(source, node, key, "an integer", describe(node));
  const std::string& s = node.Scalar();
  try {
    size_t pos = 0;
    const double v = std::stod(s, &pos);  // accepts 1e3 as well as 1000
    // Within int64 (2^63 is the first double past it) and whole, before the cast.
    if (pos == s.size() && std::abs(v) < 9223372036854775808.0 && std::floor(v) == v)
      return static_cast<int64_t>(v);
  } catch (const std::exception&) {
  }
  fail(source, node, key, "an integer", describe(node));
}

double as_double(const YAML::Node& node, const std::string& source, const std::string& key) {
  if (!node || !node.IsScalar()) fail(source, node, key, "a number", describe(node));
  const std::string& s = node.Scalar();
  try {
    size_t pos = 0;
    const double v = std::stod(s, &pos);
    if (pos == s.size()) return v;
  } catch (const std::exception&) {
  }
  fail(source, node, key, "a number", describe(node));
}

bool as_bool(const YAML::Node& node, const std::string& source, const std::string& key) {
  if (node && node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE" || s == "1") return true;
    if (s == "false" || s == "False" || s == "FALSE" || s == "0") return false;
  }
  fail(source, node, key, "true or false", describe(node));
}

std::string as_string(const YAML::Node& node, const std::string& source, const std::string& key) {
  if (!node || !node.IsScalar()) fail(source, node, key, "a string", describe(node));
  return node.Scalar();
}

std::vector<std::string> as_string_list(const YAML::Node& node, const std::string& source,
                                        const std::string& key) {
  std::vector<std::string> out;
  if (!node || node.IsNull()) return out;
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      out.push_back(as_string(node[i], source, fmt::format("{}[{}]", key, i)));
    return out;
  }
  if (!node.IsScalar()) fail(source, node, key, "a list of names", describe(node));
  std::string cur;
  for (char c : node.Scalar()) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1);
  std::vector<size_t> cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    prev.swap(cur);
  }
  return prev[b.size()];
}

}  // namespace

void check_keys(const YAML::Node& map, const std::string& source, const std::string& key,
                std::initializer_list<const char*> allowed, std::initializer_list<const char*> ignored) {
  if (!map || !map.IsMap()) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string k = it->first.Scalar();
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    for (const char* a : ignored) ok = ok || k == a;
    if (ok) continue;
    std::string best;
    size_t best_d = 3;  // suggest only close matches
    std::string all;
    for (const char* a : allowed) {
      all += (all.empty() ? "" : ", ") + std::string(a);
      const size_t d = edit_distance(k, a);
      if (d < best_d) best_d = d, best = a;
    }
    throw ConfigError(fmt::format("{}: {}.{}: unknown key '{}'{}; expected one of {}",
                                  where(source, it->first), key, k, k,
                                  best.empty() ? "" : " (did you mean '" + best + "'?)", all));
  }
}

YAML::Node child(const YAML::Node& map, std::initializer_list<const char*> names) {
  // An undefined node (not a null one, which tests true) when absent.
  const YAML::Node absent(YAML::NodeType::Undefined);
  if (!map || !map.IsMap()) return absent;
  for (const char* n : names)
    if (map[n]) return map[n];
  return absent;
}

}  // namespace orrery::arch::loopnest::yaml
