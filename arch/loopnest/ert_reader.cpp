#include "arch/loopnest/ert_reader.hpp"

#include <fmt/format.h>

#include "arch/loopnest/yaml_util.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

namespace {

EnergyReferenceTable build(const YAML::Node& root, const std::string& source) {
  const YAML::Node tables = yaml::child(yaml::child(root, {"ERT"}), {"tables"});
  if (!tables || !tables.IsSequence())
    yaml::fail(source, root, "ERT.tables", "a sequence of tables", "nothing");
  EnergyReferenceTable ert;
  ert.source = source;
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::string key = fmt::format("ERT.tables[{}]", i);
    std::string name = yaml::as_string(tables[i]["name"], source, key + ".name");
    if (const auto lb = name.find('['); lb != std::string::npos) name = name.substr(0, lb);
    if (const auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
    const YAML::Node actions = tables[i]["actions"];
    if (!actions || !actions.IsSequence())
      yaml::fail(source, tables[i], key + ".actions", "a sequence", yaml::describe(actions));
    auto& table = ert.energy_pj[name];
    for (size_t a = 0; a < actions.size(); ++a) {
      const std::string akey = fmt::format("{}({}).actions[{}]", key, name, a);
      const std::string action = yaml::as_string(actions[a]["name"], source, akey + ".name");
      const double e = yaml::as_double(actions[a]["energy"], source, akey + ".energy");
      if (e < 0)
        yaml::fail(source, actions[a]["energy"], akey + ".energy", "a number >= 0",
                   yaml::describe(actions[a]["energy"]));
      table.emplace(action, e);  // first entry wins
    }
  }
  return ert;
}

}  // namespace

EnergyReferenceTable read_accelergy_ert(const std::string& path) {
  const YAML::Node root = yaml::load_file(path);
  return yaml::guarded(path, [&] { return build(root, path); });
}

EnergyReferenceTable parse_accelergy_ert(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = yaml::load_text(yaml_text, source);
  return yaml::guarded(source, [&] { return build(root, source); });
}

void apply_ert(const EnergyReferenceTable& ert, LoopNestSpec& spec) {
  auto table_of = [&](const std::string& comp) -> const std::map<std::string, double>& {
    const auto it = ert.energy_pj.find(comp);
    if (it == ert.energy_pj.end())
      throw ConfigError(fmt::format("{}: ERT has no table for component {}", ert.source, comp));
    return it->second;
  };
  auto get = [&](const std::map<std::string, double>& t, const std::string& comp, const char* action,
                 std::optional<double> fallback) {
    const auto it = t.find(action);
    if (it != t.end()) return it->second;
    if (fallback) return *fallback;
    throw ConfigError(fmt::format("{}: ERT table {}: no action '{}'", ert.source, comp, action));
  };
  for (auto& l : spec.levels) {
    if (l.is_dummy) continue;
    const auto& t = table_of(l.name);
    l.energy.read_pj = get(t, l.name, "read", std::nullopt);
    l.energy.write_pj = get(t, l.name, "write", std::nullopt);
    l.energy.update_pj = get(t, l.name, "update", l.energy.write_pj);
    l.energy.leak_pj_per_cycle = get(t, l.name, "leak", 0.0);
  }
  const auto& t = table_of(spec.arithmetic.name);
  spec.arithmetic.compute_energy_pj = get(t, spec.arithmetic.name, "compute", std::nullopt);
}

}  // namespace orrery::arch::loopnest
