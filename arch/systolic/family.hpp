#pragma once
#include "arch/family.hpp"

namespace orrery::arch::systolic {

class SystolicFamily final : public Family {
 public:
  SystolicFamily();
  std::string_view name() const override { return "systolic"; }
  std::string_view doc() const override;
  std::shared_ptr<const config::Schema> schema() const override { return schema_; }
  std::vector<std::string> mappers() const override;
  void check(const config::Resolved& cfg) const override;
  RunResult simulate(const config::Resolved& cfg, const workloads::Graph& graph,
                     const RunOptions& options) const override;

 private:
  std::shared_ptr<const config::Schema> schema_;
};

}  // namespace orrery::arch::systolic
