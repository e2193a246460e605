#pragma once
// The top module: one StorageLevel per level of the spec, the Arithmetic, and the links between
// them for each data space (the chain of levels that keep it, each linked to the next one up
// through a FanoutLink carrying the analytical scatter/multicast factors of that hop).
#include <memory>
#include <vector>

#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/sc/arithmetic.hpp"
#include "arch/loopnest/sc/result.hpp"
#include "arch/loopnest/sc/storage_level.hpp"
#include "arch/loopnest/sc/tile_schedule.hpp"
#include "arch/loopnest/spec.hpp"
#include "arch/loopnest/stats.hpp"

namespace orrery::arch::loopnest::sc {

class LoopNestSystem : public sc_core::sc_module {
 public:
  // `analytical` is the model's evaluation of the same mapping: the factors of the network
  // (scatter, multicast), the backing store's partition, and the counts of aggregated levels.
  LoopNestSystem(sc_core::sc_module_name name, const LoopNestSpec& spec, const Problem& problem,
                 const Mapping& mapping, const LoopNestStats& analytical, const TileSchedule& schedule);

  // After sc_start(): the counts and cycles.
  LoopNestScResult result() const;

 private:
  const LoopNestSpec& spec_;
  const Problem& problem_;
  const LoopNestStats& analytical_;
  const TileSchedule& schedule_;
  std::vector<std::unique_ptr<StorageLevel>> levels_;
  std::unique_ptr<Arithmetic> arithmetic_;
};

}  // namespace orrery::arch::loopnest::sc
