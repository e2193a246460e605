#pragma once
// Why a mapping cannot run: an expected outcome (the mapper meets millions), so a value, not an
// exception. The kind and indices are filled without allocating; `describe` spells it out.
#include <cstdint>
#include <string>

namespace orrery::arch::loopnest {

struct LoopNestSpec;
struct Problem;

enum class InfeasibleKind {
  kLevelCount,     // the mapping has a different number of levels than the architecture
  kFactorProduct,  // product of a dimension's factors over all levels != its bound
  kFanoutX,        // spatial X factors of a level exceed its fan-out
  kFanoutY,
  kCapacity,      // the kept tiles of a level exceed its capacity
  kBackingStore,  // the outermost level does not keep a data space
  kDummyKeeps,    // a spatial-only level is asked to keep data
};

struct Infeasible {
  InfeasibleKind kind = InfeasibleKind::kFactorProduct;
  int level = -1;
  int dim = -1;
  int data_space = -1;
  int64_t found = 0;
  int64_t limit = 0;
  std::string reason;  // filled by describe() on the public path

  std::string describe(const LoopNestSpec& spec, const Problem& problem) const;
};

}  // namespace orrery::arch::loopnest
