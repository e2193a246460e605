#include "arch/systolic/family.hpp"

#include "arch/systolic/spec.hpp"
#include "common/error.hpp"

namespace orrery::arch::systolic {

SystolicFamily::SystolicFamily() : schema_(make_schema()) {}

std::string_view SystolicFamily::doc() const {
  return "systolic array (ws/os/is dataflows, SRAM buffers, DRAM channel); timing exact or SCALE-Sim v2";
}

std::vector<std::string> SystolicFamily::mappers() const { return {"fixed"}; }

void SystolicFamily::check(const config::Resolved& cfg) const { systolic::check(cfg); }

RunResult SystolicFamily::simulate(const config::Resolved&, const workloads::Graph&, const RunOptions&) const {
  throw UsageError("not supported yet: systolic simulation");
}

}  // namespace orrery::arch::systolic
