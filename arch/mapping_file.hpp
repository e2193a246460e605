#pragma once
// A graph's mappings as a JSON document (--save-mapping) and back (--mapping), so a mapping
// found once (by a search, or by hand) can be re-timed without mapping again:
//   {"orrery_mapping": 1, "family", "mapper", "arch": {"name", "config_hash"},
//    "workload": {"name", "ops": [names]}, "layers": [per-op mapping], "graph": ...}
// Reading checks the family and that the layers match the workload op by op; the family then
// checks each entry against the config it is applied to.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "arch/family.hpp"

namespace orrery::arch {

inline constexpr int kMappingFileVersion = 1;

nlohmann::json mapping_document(const Mappings& mappings, const config::Resolved& cfg,
                                const workloads::Graph& graph);

// `file` names the document in errors (MappingError, one line).
std::unique_ptr<const Mappings> read_mapping_document(const nlohmann::json& doc, const std::string& file,
                                                      const Family& family, const config::Resolved& cfg,
                                                      const workloads::Graph& graph);

}  // namespace orrery::arch
