#pragma once
// The mapspace of one (spec, problem, constraints): where each dimension's factors may go
// (slots: a level's temporal loop, or its spatial X or Y fan-out), which loop orders and which
// keep/bypass choices are free. A Candidate is one point; apply() writes it into a Mapping
// without allocating. Sampling, enumeration and the local-search moves live here; search.cpp
// drives them.
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/model.hpp"
#include "mappers/loopnest/mapspace_constraints.hpp"

namespace orrery::mappers::loopnest {

inline constexpr int kMaxSlots = 3 * ln::kMaxLevels;
// Exhaustive enumeration is offered only below this many factor combinations.
inline constexpr int64_t kMaxEnumeratedCombos = 1'000'000;

enum class SlotKind : int8_t { kTemporal, kSpatialX, kSpatialY };

struct Slot {
  int level = 0;
  SlotKind kind = SlotKind::kTemporal;
};

struct Candidate {
  std::array<std::array<int64_t, kMaxSlots>, ln::kMaxDims> slot_factor{};  // per dimension, per its slot
  std::array<std::array<int8_t, ln::kMaxDims>, ln::kMaxLevels>
      free_order{};        // order of the free dims per level
  uint64_t keep_bits = 0;  // one bit per free keep/bypass choice (1 = keep)
};

class Mapspace {
 public:
  Mapspace(const ln::LoopNestModel& model, const MapspaceConstraints& constraints);

  const ln::Mapping& base() const { return base_; }
  int num_keep_choices() const { return static_cast<int>(keep_choices_.size()); }

  // Writes the candidate into `m` (which must have been copied from base()).
  void apply(const Candidate& c, ln::Mapping& m) const;

  // Uniform-ish random point: each prime factor of a dimension goes to a random slot (spatial
  // slots only while the fan-out has room), free loop orders shuffled, keep bits random.
  void sample(std::mt19937_64& rng, Candidate& c) const;
  // A neighbour: move one prime factor between two slots of a dimension, swap two free loops of
  // a level, or flip one keep choice.
  void mutate(std::mt19937_64& rng, Candidate& c) const;

  // Exhaustive enumeration: every ordered factorization per dimension (mixed radix over the
  // dimensions), then every order of the non-unit free loops per level, then every keep choice.
  // Returns an upper bound of the number of points (saturating at INT64_MAX).
  int64_t size_upper_bound() const;
  int64_t num_factor_combos() const;
  // Sets the factors of combination `index` (0 <= index < num_factor_combos()); only when
  // num_factor_combos() <= kMaxEnumeratedCombos.
  void set_factor_combo(int64_t index, Candidate& c) const;
  // The free dimensions of level `level` whose temporal factor is not 1 under `c`, in ascending order.
  void nonunit_free_dims(const Candidate& c, int level, std::vector<int>& out) const;
  // Sets the free order of `level` to `nonunit` (in that order) followed by the unit free dims.
  void set_order(Candidate& c, int level, const std::vector<int>& nonunit) const;

 private:
  struct DimSpace {
    int64_t remaining = 1;  // bound / fixed factors
    std::vector<Slot> slots;
    std::vector<int64_t> primes;                       // prime factors of remaining, with multiplicity
    std::vector<std::vector<int64_t>> factorizations;  // filled when small enough to enumerate
  };
  struct KeepChoice {
    int level = 0;
    int data_space = 0;
  };

  const ln::LoopNestModel& model_;
  ln::Mapping base_;
  int num_dims_ = 0;
  int num_levels_ = 0;
  std::vector<DimSpace> dims_;
  std::vector<std::vector<int>> fixed_order_;  // per level: constrained dims, innermost first
  std::vector<std::vector<int>> free_dims_;    // per level: the other dims
  std::vector<KeepChoice> keep_choices_;
  std::vector<int64_t> fanout_x_;
  std::vector<int64_t> fanout_y_;
};

}  // namespace orrery::mappers::loopnest
