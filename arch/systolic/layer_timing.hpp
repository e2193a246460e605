#pragma once
// The analytical models of the systolic family: one mapped op -> Stats (plain C++).
//   timing: scalesim  SCALE-Sim v2 CALC-mode compute cycles (scalesim_timing.cpp)
//   timing: exact     fold pipelining, DRAM channel and double buffering (exact_timing.cpp)
// Ops with no MACs are a DRAM-bound pass in both (memory_pass_timing.cpp).
#include "arch/stats.hpp"
#include "arch/systolic/spec.hpp"
#include "mappers/systolic/systolic_mapping.hpp"

namespace orrery::arch::systolic {

// Counters of a layer before seconds, utilization and energy are derived.
struct LayerCounts {
  int64_t cycles = 0, compute_cycles = 0;
  int64_t dram_read_bytes = 0, dram_write_bytes = 0, sram_read_bytes = 0, sram_write_bytes = 0;
};

LayerCounts time_scalesim(const mappers::systolic::SystolicMapping& m, const SystolicSpec& spec);
LayerCounts time_exact(const mappers::systolic::SystolicMapping& m, const SystolicSpec& spec);
LayerCounts time_memory_pass(const mappers::systolic::MemoryPass& pass, const SystolicSpec& spec);

// Picks the model from the mapping (memory pass, or the spec's timing).
LayerCounts time_layer(const mappers::systolic::SystolicMapping& m, const SystolicSpec& spec);

// Derives seconds, utilization (useful MACs / (rows x cols x cycles)), stall cycles and energy
// (energy.hpp), and checks the invariants: stalls >= 0, DRAM traffic >= compulsory traffic.
// Throws SimulationError naming `where`.
Stats layer_stats(const LayerCounts& counts, const mappers::systolic::SystolicMapping& m,
                  const SystolicSpec& spec, int64_t useful_macs, const std::string& where);

// Rounds a time in cycles up to the next clock edge (tolerates floating-point dust).
int64_t clock_edge(double cycles);

}  // namespace orrery::arch::systolic
