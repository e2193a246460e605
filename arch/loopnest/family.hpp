#pragma once
// The loop-nest family: Timeloop v0.4 architectures (storage hierarchy with fan-out, an
// arithmetic level, Accelergy energies) as an orrery family. Config: configs/loopnest/*.yaml
// (family_config.hpp), or a raw Timeloop architecture file with --ert. Ops are lowered to loop
// nests (mappers/loopnest/lowering.hpp), mapped by a mapspace search, and evaluated by the exact
// Timeloop model (model.hpp). README.md has the formulas.
#include "arch/family.hpp"

namespace orrery::arch::loopnest {

class LoopNestFamily final : public Family {
 public:
  LoopNestFamily();
  std::string_view name() const override { return "loopnest"; }
  std::string_view doc() const override;
  std::shared_ptr<const config::Schema> schema() const override { return schema_; }
  std::vector<std::string> mappers() const override;
  void check(const config::Resolved& cfg) const override;
  std::unique_ptr<const Mappings> map(const config::Resolved& cfg, const workloads::Graph& graph,
                                      const MapOptions& options) const override;
  RunResult evaluate(const config::Resolved& cfg, const workloads::Graph& graph, const Mappings& mappings,
                     const EvalOptions& options) const override;
  std::unique_ptr<const Mappings> read_mappings(const std::string& mapper, const nlohmann::json& layers,
                                                const nlohmann::json& graph_part, const config::Resolved& cfg,
                                                const workloads::Graph& graph) const override;
  std::optional<std::string> wrap_foreign_config(const std::string& path,
                                                 const std::string& text) const override;
  // A Timeloop mapping (YAML `mapping:`) of a graph of one loop nest (--problem, or an op that
  // lowers to one nest).
  std::unique_ptr<const Mappings> read_foreign_mapping(const std::string& path, const config::Resolved& cfg,
                                                       const workloads::Graph& graph) const override;

 private:
  std::shared_ptr<const config::Schema> schema_;
};

}  // namespace orrery::arch::loopnest
