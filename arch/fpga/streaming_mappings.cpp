#include "arch/fpga/streaming_mappings.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "mappers/fpga/streaming_mapper.hpp"

namespace orrery::arch::fpga {

StreamingMappings::StreamingMappings(std::string mapper, mappers::fpga::StreamingMapping design, size_t ops)
    : Mappings("fpga", std::move(mapper)), design_(std::move(design)), stage_of_(ops, 0), fused_(ops, false) {
  for (size_t s = 0; s < design_.stages.size(); ++s) {
    stage_of_.at(design_.stages[s].op_index) = s;
    for (size_t k : design_.stages[s].fused_ops) {
      stage_of_.at(k) = s;
      fused_.at(k) = true;
    }
  }
}

nlohmann::json StreamingMappings::layer_json(size_t op) const {
  if (fused_.at(op)) return {{"fused_into", design_.stages[stage_of_[op]].name}};
  return design_.stage_json(stage_of_[op]);
}

nlohmann::json StreamingMappings::graph_json() const {
  return {
      {"batch", design_.batch}, {"greedy_steps", design_.greedy_steps}, {"stop_reason", design_.stop_reason}};
}

std::unique_ptr<const StreamingMappings> StreamingMappings::read(const std::string& mapper,
                                                                 const nlohmann::json& layers,
                                                                 const nlohmann::json& graph_part,
                                                                 const FpgaSpec& spec,
                                                                 const workloads::Graph& graph) {
  if (!graph_part.is_object())
    throw MappingError("graph: expected the streaming design's batch and mapper state");
  auto design = mappers::fpga::build_pipeline(graph, spec, graph_part.at("batch").get<int64_t>());
  design.greedy_steps = graph_part.at("greedy_steps").get<int>();
  design.stop_reason = graph_part.at("stop_reason").get<std::string>();
  StreamingMappings shape(mapper, design, graph.size());  // which op is which stage, before the choices
  for (size_t i = 0; i < graph.size(); ++i) {
    const auto& l = layers.at(i);
    const std::string where = fmt::format("layers[{}] ('{}')", i, graph.ops()[i].name);
    if (shape.fused(i) != l.contains("fused_into"))
      throw MappingError(fmt::format("{}: the pipeline of this workload {} this op into its producer's stage",
                                     where, shape.fused(i) ? "fuses" : "does not fuse"));
    if (shape.fused(i)) continue;
    const auto& f = l.at("folding");
    const std::string store_name = l.at("weights_in").get<std::string>();
    const auto store = weight_store_from(store_name);
    if (!store)
      throw MappingError(fmt::format("{}: weights_in: expected bram|uram|ddr, got '{}'", where, store_name));
    try {
      mappers::fpga::apply_stage_choice(
          design, shape.stage_of(i),
          {f.at("coarse_in").get<int64_t>(), f.at("coarse_out").get<int64_t>(), f.at("fine").get<int64_t>()},
          *store, spec.streaming);
    } catch (const MappingError& e) {
      throw MappingError(fmt::format("{}: {}", where, e.what()));
    }
  }
  return std::make_unique<StreamingMappings>(mapper, std::move(design), graph.size());
}

}  // namespace orrery::arch::fpga
