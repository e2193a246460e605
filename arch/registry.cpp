#include "arch/registry.hpp"

#include "arch/fpga/family.hpp"
#include "arch/gpu/family.hpp"
#include "arch/systolic/family.hpp"
#include "common/config/loader.hpp"

namespace orrery::arch {

const std::vector<const Family*>& families() {
  // One line per family. Immutable once built; safe to share across threads.
  static const systolic::SystolicFamily kSystolic;
  static const gpu::GpuFamily kGpu;
  static const fpga::FpgaFamily kFpga;
  static const std::vector<const Family*> kFamilies{&kSystolic, &kGpu, &kFpga};
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
  return checked(config::load_file(path, overrides, lookup(), family_names));
}

config::Resolved load_arch_text(const std::string& text, const std::string& display_name,
                                const std::vector<config::Override>& overrides) {
  return checked(config::load_text(text, display_name, overrides, lookup(), family_names));
}

}  // namespace orrery::arch
