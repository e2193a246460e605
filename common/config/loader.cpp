#include "common/config/loader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace orrery::config {
namespace {

std::string where(const std::string& file, const YAML::Mark& m) {
  return fmt::format("{}:{}:{}", file, m.line + 1, m.column + 1);
}

struct Scalar {
  std::string text;
  YAML::Mark mark;
};

// Flattens nested maps to dotted paths. Lists and nulls are reported: no key takes them.
void flatten(const YAML::Node& node, const std::string& prefix, const std::string& file,
             std::map<std::string, Scalar>& out, std::vector<std::string>& problems) {
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    const YAML::Node& v = kv.second;
    if (v.IsMap()) {
      flatten(v, path, file, out, problems);
    } else if (v.IsScalar()) {
      out[path] = Scalar{v.Scalar(), v.Mark()};
    } else {
      problems.push_back(fmt::format("{}: {}: expected a value, got {}", where(file, v.Mark()), path,
                                     v.IsSequence() ? "a list" : "nothing"));
    }
  }
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

Resolved load_text(const std::string& text, const std::string& display_name,
                   const std::vector<Override>& overrides, const SchemaLookup& lookup,
                   const FamilyNames& families) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}: YAML syntax error: {}", where(display_name, e.mark), e.msg));
  }
  if (!root.IsMap())
    throw ConfigError(
        fmt::format("{}: expected a YAML mapping of config keys at the top level", display_name));

  std::vector<std::string> problems;
  std::map<std::string, Scalar> scalars;
  flatten(root, "", display_name, scalars, problems);

  auto fam = scalars.find("family");
  if (fam == scalars.end())
    throw ConfigError(
        fmt::format("{}: family: required key missing (one of {})", display_name, join(families(), "|")));
  auto schema = lookup(fam->second.text);
  if (!schema)
    throw ConfigError(fmt::format("{}: family: expected one of {}, got '{}'",
                                  where(display_name, fam->second.mark), join(families(), "|"),
                                  fam->second.text));

  std::map<std::string, Entry> values;
  for (const auto& [path, s] : scalars) {
    const KeyDef* def = schema->find(path);
    if (!def) {
      auto hint = schema->suggest(path);
      problems.push_back(fmt::format("{}: {}: unknown key for family {}{}", where(display_name, s.mark), path,
                                     schema->family(),
                                     hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      continue;
    }
    auto parsed = parse_value(*def, s.text);
    if (auto* err = std::get_if<std::string>(&parsed)) {
      problems.push_back(fmt::format("{}: {}: {}", where(display_name, s.mark), path, *err));
      continue;
    }
    values[path] = Entry{std::get<Value>(parsed), where(display_name, s.mark)};
  }
  for (const auto& def : schema->keys()) {
    if (values.count(def.path) || scalars.count(def.path)) continue;
    // A required key may still come from --set; check after overrides.
    if (def.default_value) values[def.path] = Entry{*def.default_value, "default"};
  }
  if (!problems.empty()) throw ConfigError(join(problems, "; "));

  // Overrides go through the same checks; required keys missing from the file may be set here.
  Resolved partial(schema, display_name, values);
  std::map<std::string, Entry> merged = values;
  if (!overrides.empty()) merged = partial.with_overrides(overrides).entries();
  for (const auto& def : schema->keys())
    if (!merged.count(def.path))
      problems.push_back(
          fmt::format("{}: {}: required key missing ({})", display_name, def.path, describe_expected(def)));
  if (!problems.empty()) throw ConfigError(join(problems, "; "));
  return Resolved(schema, display_name, std::move(merged));
}

Resolved load_file(const std::string& path, const std::vector<Override>& overrides,
                   const SchemaLookup& lookup, const FamilyNames& families) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot open config file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return load_text(ss.str(), path, overrides, lookup, families);
}

}  // namespace orrery::config
