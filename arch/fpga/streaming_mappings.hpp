#pragma once
// A streaming design as the family's Mappings: one pipeline (mappers/fpga/streaming_mapping)
// for the whole graph. Each op reports its stage (folding, weight store, cost) or the stage it
// is fused into; a saved design is read back as its choices (folding and weight store per
// stage) applied to the pipeline rebuilt from the graph and the config, so shapes and costs
// are never taken on trust from a file.
#include <memory>
#include <string>

#include "arch/fpga/spec.hpp"
#include "arch/mappings.hpp"
#include "mappers/fpga/streaming_mapping.hpp"
#include "workloads/graph.hpp"

namespace orrery::arch::fpga {

class StreamingMappings final : public Mappings {
 public:
  StreamingMappings(std::string mapper, mappers::fpga::StreamingMapping design, size_t ops);
  size_t size() const override { return stage_of_.size(); }
  nlohmann::json layer_json(size_t op) const override;
  nlohmann::json graph_json() const override;
  const mappers::fpga::StreamingMapping& design() const { return design_; }
  // The stage that runs op `op`, and whether the op is fused into it (not its own stage).
  size_t stage_of(size_t op) const { return stage_of_.at(op); }
  bool fused(size_t op) const { return fused_.at(op); }

  // Throws MappingError where `layers` do not fit the pipeline of `graph` on `spec`.
  static std::unique_ptr<const StreamingMappings> read(const std::string& mapper,
                                                       const nlohmann::json& layers,
                                                       const nlohmann::json& graph_part, const FpgaSpec& spec,
                                                       const workloads::Graph& graph);

 private:
  mappers::fpga::StreamingMapping design_;
  std::vector<size_t> stage_of_;
  std::vector<bool> fused_;
};

}  // namespace orrery::arch::fpga
