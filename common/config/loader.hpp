#pragma once
// Loads a YAML architecture config against the schema of its `family`, applies --set overrides
// and fills defaults. Every problem is collected and reported in one ConfigError line, each as
// "FILE:LINE:COL: key.path: expected ..., got ...".
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config/resolved.hpp"

namespace orrery::config {

// Finds the schema of a family by name; returns nullptr for an unknown family.
using SchemaLookup = std::function<std::shared_ptr<const Schema>(const std::string& family)>;
// Lists known family names, for the error message of an unknown family.
using FamilyNames = std::function<std::vector<std::string>()>;

Resolved load_file(const std::string& path, const std::vector<Override>& overrides,
                   const SchemaLookup& lookup, const FamilyNames& families);
Resolved load_text(const std::string& text, const std::string& display_name,
                   const std::vector<Override>& overrides, const SchemaLookup& lookup,
                   const FamilyNames& families);

}  // namespace orrery::config
