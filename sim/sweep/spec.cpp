#include "sim/sweep/spec.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "sim/sweep/area.hpp"
#include "sim/sweep/fnv_hash.hpp"

namespace orrery::sim::sweep {
namespace {

std::string where(const std::string& file, const YAML::Mark& m) {
  return fmt::format("{}:{}:{}", file, m.line + 1, m.column + 1);
}

std::string describe(const YAML::Node& n) {
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  if (n.IsNull()) return "nothing";
  return "'" + n.Scalar() + "'";
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::vector<std::string> split_keys(const std::string& text) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string k = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!k.empty() && k.front() == ' ') k.erase(k.begin());
    while (!k.empty() && k.back() == ' ') k.pop_back();
    keys.push_back(k);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return keys;
}

// Collects problems; each is one "FILE:LINE:COL: key: ..." item of the final error line.
class Parser {
 public:
  Parser(std::string file, std::string base_dir, const SpecEnv& env)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), env_(env) {}

  SweepSpec parse(const std::string& text);

 private:
  void problem(const YAML::Node& at, const std::string& key, const std::string& what) {
    problems_.push_back(fmt::format("{}: {}: {}", where(file_, at.Mark()), key, what));
  }
  std::string resolve_path(const std::string& p) const {
    if (p.empty() || std::filesystem::path(p).is_absolute() || base_dir_.empty()) return p;
    return (std::filesystem::path(base_dir_) / p).lexically_normal().string();
  }
  std::optional<std::string> scalar(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
      problem(n, key, "expected a value, got " + describe(n));
      return std::nullopt;
    }
    return n.Scalar();
  }
  void parse_axes(const YAML::Node& node, SweepSpec& spec);
  std::vector<std::string> range_values(const YAML::Node& node, const std::string& key,
                                        const std::vector<const config::KeyDef*>& defs);
  void parse_workloads(const YAML::Node& node, SweepSpec& spec);
  void parse_objectives(const YAML::Node& node, SweepSpec& spec);
  void parse_constraints(const YAML::Node& node, SweepSpec& spec);
  void parse_search(const YAML::Node& node, SweepSpec& spec);

  std::string file_, base_dir_;
  const SpecEnv& env_;
  std::vector<std::string> problems_;
};

std::vector<std::string> Parser::range_values(const YAML::Node& node, const std::string& key,
                                              const std::vector<const config::KeyDef*>& defs) {
  std::vector<std::string> out;
  if (node.IsSequence()) {
    if (node.size() == 0) problem(node, key, "expected at least one value, got an empty list");
    std::set<std::string> seen;
    for (const auto& item : node) {
      auto text = scalar(item, key);
      if (!text) continue;
      std::string canonical;
      bool ok = true;
      for (const auto* def : defs) {
        auto parsed = config::parse_value(*def, *text);
        if (auto* err = std::get_if<std::string>(&parsed)) {
          problem(item, def->path, *err);
          ok = false;
          break;
        }
        canonical = config::to_string(std::get<config::Value>(parsed));
      }
      if (!ok) continue;
      if (!seen.insert(canonical).second) {
        problem(item, key, fmt::format("value '{}' listed twice", canonical));
        continue;
      }
      out.push_back(canonical);
    }
    return out;
  }
  if (!node.IsMap() || node.size() != 1) {
    problem(node, key,
            "expected a list of values, {linear: [lo, hi, n]} or {log: [lo, hi, n]}, got " + describe(node));
    return out;
  }
  const std::string kind = node.begin()->first.Scalar();
  const YAML::Node args = node.begin()->second;
  if (kind != "linear" && kind != "log") {
    problem(node.begin()->first, key, fmt::format("expected linear or log, got '{}'", kind));
    return out;
  }
  for (const auto* def : defs)
    if (def->type != config::KeyType::integer && def->type != config::KeyType::real) {
      problem(node, def->path,
              fmt::format("a {} range needs a numeric key, this one is {}", kind,
                          config::describe_expected(*def)));
      return out;
    }
  if (!args.IsSequence() || args.size() != 3) {
    problem(args, key, fmt::format("{}: expected [lo, hi, n], got {}", kind, describe(args)));
    return out;
  }
  double lo = 0, hi = 0;
  int64_t n = 0;
  try {
    lo = args[0].as<double>();
    hi = args[1].as<double>();
  } catch (const YAML::Exception&) {
    problem(args, key, fmt::format("{}: expected numbers lo and hi, got {}", kind, describe(args)));
    return out;
  }
  try {
    n = args[2].as<int64_t>();
  } catch (const YAML::Exception&) {
    problem(args[2], key, fmt::format("{}: expected an integer count n, got {}", kind, describe(args[2])));
    return out;
  }
  if (n < 1 || lo > hi || (n > 1 && lo == hi) || (n == 1 && lo != hi)) {
    problem(args, key,
            fmt::format("{}: empty range [{}, {}, {}] (need lo < hi and n >= 2, or lo = hi and n = 1)", kind,
                        lo, hi, n));
    return out;
  }
  if (kind == "log" && lo <= 0) {
    problem(args, key, fmt::format("log: expected lo > 0, got {}", lo));
    return out;
  }
  if (n > 1000000) {
    problem(args[2], key, fmt::format("{}: expected n <= 1000000, got {}", kind, n));
    return out;
  }
  const bool integer = defs.front()->type == config::KeyType::integer;
  std::set<std::string> seen;
  for (int64_t i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
    double v = kind == "linear" ? lo + t * (hi - lo) : lo * std::pow(hi / lo, t);
    if (i == n - 1) v = hi;  // exact end point despite rounding
    // Reals keep 6 significant digits: 1533.33, not 1533.3333333333333.
    std::string text = integer ? fmt::format("{}", std::llround(v)) : fmt::format("{:.6g}", v);
    std::string canonical;
    for (const auto* def : defs) {
      auto parsed = config::parse_value(*def, text);
      if (auto* err = std::get_if<std::string>(&parsed)) {
        problem(args, def->path, fmt::format("{} value {}: {}", kind, text, *err));
        return {};
      }
      canonical = config::to_string(std::get<config::Value>(parsed));
    }
    if (seen.insert(canonical).second) out.push_back(canonical);  // integer rounding may repeat
  }
  return out;
}

void Parser::parse_axes(const YAML::Node& node, SweepSpec& spec) {
  if (!node.IsMap()) {
    problem(node, "axes", "expected a mapping of key.path: values, got " + describe(node));
    return;
  }
  const config::Schema& schema = spec.base->schema();
  std::set<std::string> used;
  for (const auto& kv : node) {
    const std::string label = kv.first.Scalar();
    Axis axis;
    axis.origin = where(file_, kv.first.Mark());
    axis.keys = split_keys(label);
    std::vector<const config::KeyDef*> defs;
    for (const auto& k : axis.keys) {
      const config::KeyDef* def = schema.find(k);
      if (k == "family" || k == "name") {
        problem(kv.first, k, "cannot be swept");
      } else if (!def) {
        auto hint = schema.suggest(k);
        problem(kv.first, k,
                fmt::format("unknown axis: not a key of family {} (base {}){}", schema.family(),
                            spec.base_file, hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      } else if (!used.insert(k).second) {
        problem(kv.first, k, "set by two axes");
      } else {
        defs.push_back(def);
      }
    }
    if (defs.size() != axis.keys.size()) continue;
    if (defs.size() > 1)
      for (const auto* d : defs)
        if (d->type != defs.front()->type) {
          problem(kv.first, label, "keys of one axis must have the same type");
          defs.clear();
          break;
        }
    if (defs.empty()) continue;
    axis.values = range_values(kv.second, label, defs);
    if (!axis.values.empty()) spec.axes.push_back(std::move(axis));
  }
}

void Parser::parse_workloads(const YAML::Node& node, SweepSpec& spec) {
  if (!node.IsSequence() || node.size() == 0) {
    problem(node, "workloads",
            "expected a non-empty list of {model|onnx|op|topology: ...}, got " + describe(node));
    return;
  }
  std::set<std::string> labels;
  for (const auto& item : node) {
    if (!item.IsMap()) {
      problem(item, "workloads", "expected {model|onnx|op|topology: ...}, got " + describe(item));
      continue;
    }
    WorkloadItem w;
    w.origin = where(file_, item.Mark());
    int sources = 0;
    bool ok = true;
    for (const auto& kv : item) {
      const std::string k = kv.first.Scalar();
      auto v = scalar(kv.second, "workloads." + k);
      if (!v) {
        ok = false;
        continue;
      }
      if (k == "model") {
        w.args.model = *v;
      } else if (k == "onnx") {
        w.args.onnx = resolve_path(*v);
      } else if (k == "op") {
        w.args.op = *v;
      } else if (k == "topology") {
        w.args.topology = resolve_path(*v);
      } else if (k == "batch") {
        try {
          w.args.batch = kv.second.as<int64_t>();
        } catch (const YAML::Exception&) {
          w.args.batch = 0;
        }
        if (w.args.batch <= 0) {
          problem(kv.second, "workloads.batch", "expected a positive integer, got '" + *v + "'");
          ok = false;
        }
        continue;
      } else if (k == "dtype") {
        w.args.dtype = *v;
        continue;
      } else {
        problem(kv.first, "workloads." + k, "unknown key (expected model|onnx|op|topology, batch, dtype)");
        ok = false;
        continue;
      }
      ++sources;
      w.label = k + ":" + *v;
    }
    if (ok && sources != 1) {
      problem(item, "workloads",
              fmt::format("expected exactly one of model|onnx|op|topology, got {}", sources));
      ok = false;
    }
    if (!ok) continue;
    if (w.args.batch != 1) w.label += fmt::format(" batch={}", w.args.batch);
    if (w.args.dtype) w.label += " dtype=" + *w.args.dtype;
    if (!labels.insert(w.label).second) {
      problem(item, "workloads", fmt::format("'{}' listed twice", w.label));
      continue;
    }
    spec.workloads.push_back(std::move(w));
  }
}

void Parser::parse_objectives(const YAML::Node& node, SweepSpec& spec) {
  if (!node.IsMap() || node.size() == 0) {
    problem(node, "objectives", "expected a mapping of metric: min|max, got " + describe(node));
    return;
  }
  std::set<Metric> seen;
  for (const auto& kv : node) {
    const std::string k = kv.first.Scalar();
    auto m = parse_metric(k);
    if (!m) {
      problem(kv.first, "objectives." + k, "unknown metric (expected one of " + metric_choices() + ")");
      continue;
    }
    auto goal = scalar(kv.second, "objectives." + k);
    if (!goal) continue;
    if (*goal != "min" && *goal != "max") {
      problem(kv.second, "objectives." + k, "expected min|max, got '" + *goal + "'");
      continue;
    }
    if ((*m == Metric::area_mm2 || *m == Metric::perf_per_area) && !has_area_model(spec.base->family())) {
      problem(kv.first, "objectives." + k, fmt::format("family {} has no area model", spec.base->family()));
      continue;
    }
    if (!seen.insert(*m).second) {
      problem(kv.first, "objectives." + k, "listed twice");
      continue;
    }
    spec.objectives.push_back({*m, *goal == "min" ? Goal::min : Goal::max});
  }
}

void Parser::parse_constraints(const YAML::Node& node, SweepSpec& spec) {
  if (!node.IsMap()) {
    problem(node, "constraints",
            "expected a mapping (fits: true, METRIC: {min: x, max: y}), got " + describe(node));
    return;
  }
  for (const auto& kv : node) {
    const std::string k = kv.first.Scalar();
    if (k == "fits") {
      auto v = scalar(kv.second, "constraints.fits");
      if (v && *v != "true" && *v != "false")
        problem(kv.second, "constraints.fits", "expected true|false, got '" + *v + "'");
      else if (v)
        spec.require_fits = *v == "true";
      continue;
    }
    auto m = parse_metric(k);
    if (!m) {
      problem(kv.first, "constraints." + k,
              "unknown constraint (expected fits or one of " + metric_choices() + ")");
      continue;
    }
    if ((*m == Metric::area_mm2 || *m == Metric::perf_per_area) && !has_area_model(spec.base->family())) {
      problem(kv.first, "constraints." + k, fmt::format("family {} has no area model", spec.base->family()));
      continue;
    }
    if (!kv.second.IsMap() || kv.second.size() == 0) {
      problem(kv.second, "constraints." + k, "expected {min: x} and/or {max: y}, got " + describe(kv.second));
      continue;
    }
    Constraint c{*m, std::nullopt, std::nullopt};
    for (const auto& b : kv.second) {
      const std::string bound = b.first.Scalar();
      double v = 0;
      try {
        v = b.second.as<double>();
      } catch (const YAML::Exception&) {
        problem(b.second, "constraints." + k + "." + bound, "expected a number, got " + describe(b.second));
        continue;
      }
      if (bound == "min")
        c.min = v;
      else if (bound == "max")
        c.max = v;
      else
        problem(b.first, "constraints." + k + "." + bound, "expected min or max");
    }
    if (c.min && c.max && *c.min > *c.max)
      problem(kv.second, "constraints." + k, fmt::format("min {} > max {}", *c.min, *c.max));
    spec.constraints.push_back(c);
  }
}

void Parser::parse_search(const YAML::Node& node, SweepSpec& spec) {
  if (!node.IsMap()) {
    problem(node, "search",
            "expected a mapping {objective: edp|energy|delay, time_s: S, seed: N}, got " + describe(node));
    return;
  }
  for (const auto& kv : node) {
    const std::string k = kv.first.Scalar();
    const std::string key = "search." + k;
    auto v = scalar(kv.second, key);
    if (!v) continue;
    if (k == "objective") {
      if (*v != "edp" && *v != "energy" && *v != "delay")
        problem(kv.second, key, "expected edp|energy|delay, got '" + *v + "'");
      else
        spec.search.objective = *v;
    } else if (k == "time_s") {
      char* end = nullptr;
      const double d = std::strtod(v->c_str(), &end);
      if (v->empty() || end != v->c_str() + v->size() || !std::isfinite(d) || d < 0)
        problem(kv.second, key, "expected seconds >= 0, got '" + *v + "'");
      else
        spec.search.time_s = d;
    } else if (k == "seed") {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v->c_str(), &end, 10);
      if (v->empty() || (*v)[0] == '-' || end != v->c_str() + v->size())
        problem(kv.second, key, "expected an integer >= 0, got '" + *v + "'");
      else
        spec.search.seed = n;
    } else {
      problem(kv.first, key, "unknown key (expected objective|time_s|seed)");
    }
  }
}

SweepSpec Parser::parse(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}: YAML syntax error: {}", where(file_, e.mark), e.msg));
  }
  if (!root.IsMap()) throw ConfigError(fmt::format("{}: expected a YAML mapping at the top level", file_));

  SweepSpec spec;
  spec.file = file_;
  static const std::vector<std::string> kKeys{"name",       "description", "base",   "axes",
                                              "workloads",  "mappers",     "search", "fidelity",
                                              "objectives", "constraints"};
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end())
      problem(kv.first, k, "unknown key (expected " + join(kKeys, "|") + ")");
  }
  auto required = [&](const char* key) -> YAML::Node {
    YAML::Node n = root[key];
    if (!n) problems_.push_back(fmt::format("{}: {}: required key missing", file_, key));
    return n;
  };
  if (YAML::Node n = required("name"); n)
    if (auto v = scalar(n, "name")) spec.name = *v;
  if (YAML::Node n = root["description"]; n)
    if (auto v = scalar(n, "description")) spec.description = *v;
  YAML::Node base = required("base");
  if (base) {
    if (auto v = scalar(base, "base")) {
      spec.base_file = resolve_path(*v);
      try {
        spec.base = env_.load_base(spec.base_file);
      } catch (const ConfigError& e) {
        problem(base, "base", e.what());
      }
    }
  }
  if (!problems_.empty() || !spec.base) throw ConfigError(join(problems_, "; "));
  const arch::Family* family = env_.find_family(spec.base->family());

  if (YAML::Node n = root["axes"]; n) parse_axes(n, spec);
  if (YAML::Node n = required("workloads"); n) parse_workloads(n, spec);

  if (YAML::Node n = root["mappers"]; n) {
    if (!n.IsSequence() || n.size() == 0) {
      problem(n, "mappers", "expected a non-empty list of mapper names, got " + describe(n));
    } else {
      const auto known = family ? family->mappers() : std::vector<std::string>{};
      std::set<std::string> seen;
      for (const auto& item : n) {
        auto v = scalar(item, "mappers");
        if (!v) continue;
        std::string m = *v == "default" ? "" : *v;
        if (!m.empty() && std::find(known.begin(), known.end(), m) == known.end())
          problem(item, "mappers",
                  fmt::format("unknown mapper '{}' for family {} (expected default|{})", m,
                              spec.base->family(), join(known, "|")));
        else if (!seen.insert(m).second)
          problem(item, "mappers", fmt::format("'{}' listed twice", *v));
        else
          spec.mappers.push_back(m);
      }
    }
  } else {
    spec.mappers.push_back("");
  }

  if (YAML::Node n = root["search"]; n) parse_search(n, spec);

  if (YAML::Node n = root["fidelity"]; n) {
    if (auto v = scalar(n, "fidelity")) {
      if (*v == "analytical")
        spec.fidelity = arch::Fidelity::analytical;
      else if (*v == "cycle")
        spec.fidelity = arch::Fidelity::cycle;
      else
        problem(n, "fidelity", "expected analytical|cycle, got '" + *v + "'");
    }
  }
  if (YAML::Node n = root["objectives"]; n)
    parse_objectives(n, spec);
  else
    spec.objectives = {{Metric::seconds, Goal::min}, {Metric::energy_j, Goal::min}};
  if (YAML::Node n = root["constraints"]; n) parse_constraints(n, spec);

  if (!problems_.empty()) throw ConfigError(join(problems_, "; "));
  return spec;
}

}  // namespace

std::string Axis::label() const { return join(keys, ","); }

std::optional<double> Axis::numeric(size_t index) const {
  const std::string& v = values.at(index);
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size()) return std::nullopt;
  return d;
}

std::string SweepSpec::identity_text() const {
  nlohmann::json j;
  j["base"] = base->hash();
  j["family"] = base->family();
  for (const auto& a : axes) j["axes"].push_back({{"keys", a.keys}, {"values", a.values}});
  for (const auto& w : workloads) j["workloads"].push_back(w.label);
  j["mappers"] = mappers;
  if (std::find(mappers.begin(), mappers.end(), "search") != mappers.end()) j["search"] = search.text();
  j["fidelity"] = std::string(arch::to_string(fidelity));
  j["version"] = ORRERY_VERSION;
  return j.dump();
}

std::string SearchSettings::text() const {
  return fmt::format("objective={},time_s={},seed={}", objective, time_s, seed);
}

std::string SweepSpec::identity_hash() const { return fnv1a_hex(identity_text()); }

SpecEnv registry_env() {
  return {[](const std::string& path) { return arch::load_arch(path); },
          [](const std::string& family) { return arch::find_family(family); }};
}

SweepSpec parse_spec_text(const std::string& text, const std::string& display_name,
                          const std::string& base_dir, const SpecEnv& env) {
  return Parser(display_name, base_dir, env).parse(text);
}

SweepSpec load_spec(const std::string& path, const SpecEnv& env) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot open sweep spec", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_spec_text(ss.str(), path, std::filesystem::path(path).parent_path().string(), env);
}

}  // namespace orrery::sim::sweep
