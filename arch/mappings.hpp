#pragma once
// A family's mappings of one graph, one per op: what its mapper chose, or what an earlier run
// saved (--save-mapping) and this one reads back (--mapping). Typed inside each family; sim/
// only carries them from Family::map to Family::evaluate and writes them out as JSON.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace orrery::arch {

class Mappings {
 public:
  Mappings(std::string family, std::string mapper) : family_(std::move(family)), mapper_(std::move(mapper)) {}
  virtual ~Mappings() = default;
  const std::string& family() const { return family_; }
  const std::string& mapper() const { return mapper_; }
  virtual size_t size() const = 0;                         // one per op of the graph
  virtual nlohmann::json layer_json(size_t op) const = 0;  // the report's "mapping" of op `op`
  // Decisions that span the graph (an FPGA pipeline's budget, FIFO depths); null where none.
  virtual nlohmann::json graph_json() const { return nullptr; }

 private:
  std::string family_, mapper_;
};

// The common case: one typed mapping per op, each with `to_json()`.
template <class Layer>
class LayerMappings final : public Mappings {
 public:
  LayerMappings(std::string family, std::string mapper, std::vector<Layer> layers)
      : Mappings(std::move(family), std::move(mapper)), layers_(std::move(layers)) {}
  size_t size() const override { return layers_.size(); }
  nlohmann::json layer_json(size_t op) const override { return layers_.at(op).to_json(); }
  const std::vector<Layer>& layers() const { return layers_; }

 private:
  std::vector<Layer> layers_;
};

// The family's own type behind `m`; a mapping of another family is a usage error, not a crash.
template <class T>
const T& mappings_as(const Mappings& m, std::string_view family) {
  const auto* typed = dynamic_cast<const T*>(&m);
  if (!typed)
    throw UsageError(
        fmt::format("--mapping: a mapping of the {} family (mapper {}) cannot run on the {} family",
                    m.family(), m.mapper(), family));
  return *typed;
}

}  // namespace orrery::arch
