#pragma once
#include "arch/family.hpp"

namespace orrery::arch::fpga {

// FPGA fabric: a DPU-style overlay or an fpgaConvNet/FINN-style streaming pipeline on a device
// with its resources, clocks, off-chip memory and power (configs/fpga/*.yaml).
class FpgaFamily final : public Family {
 public:
  FpgaFamily();
  std::string_view name() const override { return "fpga"; }
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

 private:
  std::shared_ptr<const config::Schema> schema_;
};

}  // namespace orrery::arch::fpga
