#include "arch/loopnest/family_config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "arch/interconnect/spec.hpp"
#include "arch/loopnest/ert_reader.hpp"
#include "arch/loopnest/timeloop_arch_reader.hpp"
#include "common/error.hpp"

namespace orrery::arch::loopnest {

using config::KeyType;
using config::Value;

std::shared_ptr<const config::Schema> make_schema() {
  auto s = std::make_shared<config::Schema>("loopnest");
  s->add({.path = "architecture",
          .type = KeyType::string,
          .doc = "Timeloop v0.4 architecture file (nodes: or subtree: form), relative to this config"});
  s->add({.path = "ert",
          .type = KeyType::string,
          .doc = "Accelergy energy reference table (ERT.yaml) for the architecture, relative to this config; "
                 "--ert FILE sets it from the command line",
          .default_value = Value{std::string()}});
  s->add({.path = "constraints",
          .type = KeyType::string,
          .doc = "mapper constraints (Timeloop YAML) used by --mapper search unless --constraints is given; "
                 "empty: the constraint nodes of the architecture file",
          .default_value = Value{std::string()}});
  s->add_real("clock.frequency_mhz", "MHz",
              "clock of the design; 0: from the architecture's global_cycle_seconds (1 GHz where absent)",
              0.0, 0, 1e6);
  s->add({.path = "arithmetic.operand_reuse",
          .type = KeyType::boolean,
          .doc = "the MAC keeps a read-only operand across inner loops that do not change it (newer "
                 "Timeloop); false: Timeloop v0.4, one operand read per compute",
          .default_value = Value{false}});
  s->add_real("memory_pass.words_per_cycle", "words/cycle",
              "backing-store bandwidth for ops without MACs when the architecture's outermost level "
              "gives none (an assumption, not from Timeloop)",
              16.0, 1e-6, 1e9);
  interconnect::add_torus_keys(*s);  // multi-chip runs (arch/interconnect)
  return s;
}

namespace {

// A path from the config, relative to the config's own folder.
std::string resolve(const config::Resolved& cfg, const std::string& path) {
  if (path.empty()) return path;
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(cfg.file()).parent_path() / p).lexically_normal().string();
}

std::string origin(const config::Resolved& cfg, const char* key) { return cfg.entries().at(key).origin; }

}  // namespace

LoopNestDesign make_design(const config::Resolved& cfg) {
  LoopNestDesign d;
  d.architecture_file = resolve(cfg, cfg.string("architecture"));
  d.ert_file = resolve(cfg, cfg.string("ert"));
  d.constraints_file = resolve(cfg, cfg.string("constraints"));
  d.memory_pass_words_per_cycle = cfg.real("memory_pass.words_per_cycle");
  if (d.ert_file.empty())
    throw ConfigError(
        fmt::format("{}: ert: a loop-nest design needs an Accelergy ERT (pass --ert FILE)", cfg.file()));
  for (const auto& [key, file] : {std::pair{"architecture", d.architecture_file},
                                  {"ert", d.ert_file},
                                  {"constraints", d.constraints_file}})
    if (!file.empty() && !std::filesystem::is_regular_file(file))
      throw ConfigError(fmt::format("{}: {}: cannot read '{}'", origin(cfg, key), key, file));
  // The readers' errors name the architecture or ERT file, line and key themselves.
  d.spec = read_timeloop_architecture(d.architecture_file);
  apply_ert(read_accelergy_ert(d.ert_file), d.spec);
  d.spec.name = cfg.name();
  d.spec.arithmetic.operand_reuse = cfg.boolean("arithmetic.operand_reuse");
  if (const double mhz = cfg.real("clock.frequency_mhz"); mhz > 0) d.spec.cycle_seconds = 1e-6 / mhz;
  try {
    d.spec.validate();
  } catch (const InputError& e) {
    throw ConfigError(fmt::format("{}: {}", d.architecture_file, e.what()));
  }
  return d;
}

void check(const config::Resolved& cfg) { (void)make_design(cfg); }

std::optional<std::string> wrap_timeloop_architecture(const std::string& path, const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception&) {
    return std::nullopt;  // the config loader reports the syntax error
  }
  if (!root.IsMap() || root["family"] || !root["architecture"]) return std::nullopt;
  const std::string stem = std::filesystem::path(path).stem().string();
  const std::string abs = std::filesystem::absolute(path).lexically_normal().string();
  // YAML double-quoted scalars: escape backslashes and quotes.
  auto quoted = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  };
  return fmt::format("name: {}\nfamily: loopnest\ndescription: {}\narchitecture: {}\n", quoted(stem),
                     quoted("Timeloop architecture " + path), quoted(abs));
}

}  // namespace orrery::arch::loopnest
