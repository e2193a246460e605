#pragma once
// The explicit list of architecture families, and loading a config through it.
#include <string>
#include <vector>

#include "arch/family.hpp"
#include "common/config/resolved.hpp"

namespace orrery::arch {

const std::vector<const Family*>& families();
const Family* find_family(const std::string& name);  // nullptr if unknown
std::vector<std::string> family_names();

// Loads a YAML config (schema of its `family`), applies overrides, runs the family's
// cross-field checks. Throws ConfigError.
config::Resolved load_arch(const std::string& path, const std::vector<config::Override>& overrides = {});
config::Resolved load_arch_text(const std::string& text, const std::string& display_name,
                                const std::vector<config::Override>& overrides = {});

}  // namespace orrery::arch
