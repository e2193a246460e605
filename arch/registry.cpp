#include "arch/registry.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "arch/fpga/family.hpp"
#include "arch/gpu/family.hpp"
#include "arch/loopnest/family.hpp"
#include "arch/systolic/family.hpp"
#include "common/config/loader.hpp"
#include "common/error.hpp"

namespace orrery::arch {

const std::vector<const Family*>& families() {
  // One line per family. Immutable once built; safe to share across threads.
  static const systolic::SystolicFamily kSystolic;
  static const gpu::GpuFamily kGpu;
  static const fpga::FpgaFamily kFpga;
  static const loopnest::LoopNestFamily kLoopNest;
  static const std::vector<const Family*> kFamilies{&kSystolic, &kGpu, &kFpga, &kLoopNest};
  return kFamilies;
}

const Family* find_family(const std::string& name) {
  for (const auto* f : families())
    if (f->name() == name) return f;
  return nullptr;
}

std::vector<std::string> family_names() {
  std::vector<std::string> names;
  for (const auto* f : families()) names.emplace_back(f->name());
  return names;
}

namespace {
config::SchemaLookup lookup() {
  return [](const std::string& family) -> std::shared_ptr<const config::Schema> {
    const Family* f = find_family(family);
    return f ? f->schema() : nullptr;
  };
}
config::Resolved checked(config::Resolved cfg) {
  find_family(cfg.family())->check(cfg);
  return cfg;
}
}  // namespace

config::Resolved load_arch(const std::string& path, const std::vector<config::Override>& overrides) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot open config file", path));
  std::stringstream text;
  text << in.rdbuf();
  // A file of another tool (no `family:`) that a family reads directly, e.g. a Timeloop
  // architecture: load the config that family writes for it, so --set and checks still apply.
  for (const auto* f : families())
    if (auto wrapped = f->wrap_foreign_config(path, text.str()))
      return checked(config::load_text(*wrapped, path, overrides, lookup(), family_names));
  return checked(config::load_text(text.str(), path, overrides, lookup(), family_names));
}

config::Resolved load_arch_text(const std::string& text, const std::string& display_name,
                                const std::vector<config::Override>& overrides) {
  return checked(config::load_text(text, display_name, overrides, lookup(), family_names));
}

}  // namespace orrery::arch
