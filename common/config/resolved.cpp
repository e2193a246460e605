#include "common/config/resolved.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "common/error.hpp"

namespace orrery::config {

Override parse_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(fmt::format("--set: expected key.path=value, got '{}'", text));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Resolved::Resolved(std::shared_ptr<const Schema> schema, std::string file,
                   std::map<std::string, Entry> values)
    : schema_(std::move(schema)), file_(std::move(file)), values_(std::move(values)) {}

const std::string& Resolved::name() const { return string("name"); }

const Entry& Resolved::entry(std::string_view path) const {
  auto it = values_.find(std::string(path));
  if (it == values_.end()) throw std::logic_error(fmt::format("config key '{}' not in schema", path));
  return it->second;
}

int64_t Resolved::integer(std::string_view path) const {
  const auto& v = entry(path).value;
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  throw std::logic_error(fmt::format("config key '{}' is not an integer", path));
}

double Resolved::real(std::string_view path) const {
  const auto& v = entry(path).value;
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  throw std::logic_error(fmt::format("config key '{}' is not a number", path));
}

bool Resolved::boolean(std::string_view path) const {
  const auto& v = entry(path).value;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  throw std::logic_error(fmt::format("config key '{}' is not a boolean", path));
}

const std::string& Resolved::string(std::string_view path) const {
  const auto& v = entry(path).value;
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  throw std::logic_error(fmt::format("config key '{}' is not a string", path));
}

Resolved Resolved::with_overrides(const std::vector<Override>& overrides) const {
  auto values = values_;
  std::vector<std::string> problems;
  for (const auto& o : overrides) {
    const KeyDef* def = schema_->find(o.path);
    if (!def) {
      auto hint = schema_->suggest(o.path);
      problems.push_back(fmt::format("--set {}: unknown key for family {}{}", o.path, family(),
                                     hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      continue;
    }
    if (o.path == "family") {
      problems.push_back("--set family: the family of a config cannot be overridden");
      continue;
    }
    auto parsed = parse_value(*def, o.value);
    if (auto* err = std::get_if<std::string>(&parsed)) {
      problems.push_back(fmt::format("--set {}: {}", o.path, *err));
      continue;
    }
    values[o.path] = Entry{std::get<Value>(parsed), "--set"};
  }
  if (!problems.empty()) {
    std::string msg;
    for (const auto& p : problems) msg += (msg.empty() ? "" : "; ") + p;
    throw ConfigError(msg);
  }
  return Resolved(schema_, file_, std::move(values));
}

nlohmann::json Resolved::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [path, e] : values_) std::visit([&, p = path](const auto& v) { j[p] = v; }, e.value);
  return j;
}

namespace {
void emit(YAML::Emitter& out, const nlohmann::json& node) {
  if (node.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, v] : node.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, v);
    }
    out << YAML::EndMap;
  } else if (node.is_string()) {
    out << node.get<std::string>();
  } else {
    out << node.dump();  // numbers and booleans print the same in JSON and YAML
  }
}
}  // namespace

std::string Resolved::to_yaml() const {
  nlohmann::json nested = nlohmann::json::object();
  for (const auto& [path, e] : values_) {
    nlohmann::json* node = &nested;
    size_t start = 0;
    for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1)
      node = &(*node)[path.substr(start, dot - start)];
    const std::string leaf = path.substr(start);  // clang 14 cannot capture a structured binding
    std::visit([&](const auto& v) { (*node)[leaf] = v; }, e.value);
  }
  YAML::Emitter out;
  emit(out, nested);
  return std::string(out.c_str()) + "\n";
}

std::string Resolved::hash() const {
  const std::string text = to_json().dump();
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace orrery::config
