#include "arch/mapping_file.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::arch {

nlohmann::json mapping_document(const Mappings& mappings, const config::Resolved& cfg,
                                const workloads::Graph& graph) {
  nlohmann::json ops = nlohmann::json::array(), layers = nlohmann::json::array();
  for (size_t i = 0; i < graph.size(); ++i) {
    ops.push_back(graph.ops()[i].name);
    layers.push_back(mappings.layer_json(i));
  }
  return {{"orrery_mapping", kMappingFileVersion},
          {"family", mappings.family()},
          {"mapper", mappings.mapper()},
          {"arch", {{"name", cfg.name()}, {"config_hash", cfg.hash()}}},
          {"workload", {{"name", graph.name()}, {"ops", std::move(ops)}}},
          {"layers", std::move(layers)},
          {"graph", mappings.graph_json()}};
}

namespace {

const nlohmann::json& field(const nlohmann::json& doc, const char* key, const std::string& file) {
  if (!doc.is_object() || !doc.contains(key))
    throw MappingError(
        fmt::format("{}: missing key '{}' (expected a mapping written by --save-mapping)", file, key));
  return doc.at(key);
}

}  // namespace

std::unique_ptr<const Mappings> read_mapping_document(const nlohmann::json& doc, const std::string& file,
                                                      const Family& family, const config::Resolved& cfg,
                                                      const workloads::Graph& graph) {
  const auto& version = field(doc, "orrery_mapping", file);
  if (!version.is_number_integer() || version.get<int>() != kMappingFileVersion)
    throw MappingError(fmt::format("{}: orrery_mapping: expected version {}, got {}", file,
                                   kMappingFileVersion, version.dump()));
  const auto& fam = field(doc, "family", file);
  if (!fam.is_string() || fam.get<std::string>() != family.name())
    throw MappingError(fmt::format("{}: family: the mapping is for the {} family, but {} is a {} config",
                                   file, fam.dump(), cfg.file(), family.name()));
  const auto& mapper = field(doc, "mapper", file);
  const auto& layers = field(doc, "layers", file);
  const auto& ops = field(field(doc, "workload", file), "ops", file);
  if (!mapper.is_string()) throw MappingError(fmt::format("{}: mapper: expected a string", file));
  if (!layers.is_array() || !ops.is_array() || layers.size() != graph.size() || ops.size() != graph.size())
    throw MappingError(fmt::format("{}: layers: the mapping has {} layers, the workload {} ops", file,
                                   layers.is_array() ? layers.size() : 0, graph.size()));
  for (size_t i = 0; i < graph.size(); ++i)
    if (!ops[i].is_string() || ops[i].get<std::string>() != graph.ops()[i].name)
      throw MappingError(fmt::format("{}: workload.ops[{}]: the mapping names op {}, the workload '{}'", file,
                                     i, ops[i].dump(), graph.ops()[i].name));
  try {
    return family.read_mappings(mapper.get<std::string>(), layers, doc.value("graph", nlohmann::json()), cfg,
                                graph);
  } catch (const MappingError& e) {
    throw MappingError(fmt::format("{}: {}", file, e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw MappingError(fmt::format("{}: {}", file, e.what()));
  }
}

}  // namespace orrery::arch
