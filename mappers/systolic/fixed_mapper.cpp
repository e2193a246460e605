#include "mappers/systolic/fixed_mapper.hpp"

#include "mappers/systolic/lowering.hpp"
#include "mappers/systolic/placement.hpp"

namespace orrery::mappers::systolic {

MappingResult map_fixed(const workloads::Op& op, const arch::systolic::SystolicSpec& s,
                        const MapperOptions&) {
  return place(op.name, lower(op, s), s, s.dataflow, {}, "fixed");
}

}  // namespace orrery::mappers::systolic
