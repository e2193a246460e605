#pragma once
// Mapspace search for the loop-nest family (Timeloop's mapper, orrery's way): exhaustive when
// the space is small, else random sampling with restarts of a local search. Runs on
// `threads` std::threads with independent RNG streams seeded from `seed`, each with a fixed share
// of the evaluation budget, so the result is the same for a given seed whatever the timing.
// Nothing global: the model is shared read-only, every thread has its own scratch.
#include <cstdint>
#include <string>
#include <vector>

#include "arch/loopnest/model.hpp"
#include "mappers/loopnest/mapspace_constraints.hpp"

namespace orrery::mappers::loopnest {

enum class Objective { kEdp, kEnergy, kDelay };  // kDelay breaks ties by energy

struct SearchOptions {
  Objective objective = Objective::kEdp;
  uint64_t seed = 1;
  int threads = 2;
  int64_t max_evaluations = 1'000'000;   // candidates looked at (feasible or not), all threads
  int64_t exhaustive_limit = 2'000'000;  // enumerate everything when the space is at most this
  int64_t sample_batch = 2'000;          // random samples before each local search
  int64_t climb_patience = 3'000;        // local search stops after this many non-improving moves
  // Timeloop's per-thread termination knobs (0 = off), random-pruned only:
  int64_t victory_condition = 0;  // consecutive valid mappings not better than the thread's best
  int64_t timeout = 0;            // consecutive invalid mappings
  int64_t search_size = 0;        // valid mappings in total
  // Wall-clock budget (0 = none), checked every few hundred candidates. Only when it ends a
  // search before max_evaluations does the result depend on the machine's speed.
  double time_limit_s = 0;
};

// Reads Timeloop's `mapper:` section (optimization_metrics / optimization_metric: the first of
// edp, energy, delay decides; num_threads; victory_condition; timeout; search_size; algorithm:
// exhaustive / linear_pruned force enumeration, random / random_pruned / hybrid sample).
// Keys of Timeloop's mapper that have no meaning here (live_status, log_*, ...) are ignored.
SearchOptions read_timeloop_mapper_options(const std::string& path);
SearchOptions parse_timeloop_mapper_options(const std::string& yaml_text, const std::string& source);

struct ProgressPoint {
  int64_t evaluations = 0;  // candidates looked at by the thread that improved
  double seconds = 0.0;     // wall clock since the search began: diagnostics only, never reported
  double objective = 0.0;
};

struct SearchResult {
  bool found = false;
  bool exhaustive = false;
  bool timed_out = false;  // time_limit_s ended it
  ln::Mapping best;
  ln::LoopNestStats stats;
  double objective = 0.0;  // EDP in J*cycles, energy in pJ or cycles
  int64_t candidates = 0;  // looked at
  int64_t evaluated = 0;   // feasible, fully evaluated
  int64_t mapspace_upper_bound = 0;
  // Improvements of the overall best, ordered by the improving thread's candidate count (every
  // thread has an equal share, so the count stands for the search's progress): a function of the
  // seed alone, unlike an order by wall clock, so reports that show it are repeatable.
  std::vector<ProgressPoint> progress;
};

SearchResult search(const ln::LoopNestModel& model, const MapspaceConstraints& constraints,
                    const SearchOptions& options);

}  // namespace orrery::mappers::loopnest
