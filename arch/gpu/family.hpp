#pragma once
#include "arch/family.hpp"

namespace orrery::arch::gpu {

// GPU family: configs/gpu/*.yaml, mapper `library`. A single-op workload is timed as one kernel
// launched alone (as CUDA events around it measure); a graph of several ops as back-to-back
// kernels in a CUDA graph, with conv/gemm epilogue fusion (mappers/gpu/library_mapper.hpp).
class GpuFamily final : public Family {
 public:
  GpuFamily();
  std::string_view name() const override { return "gpu"; }
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

}  // namespace orrery::arch::gpu
