#pragma once
// A loop-nest accelerator: storage levels from the innermost (next to the MACs) to the outermost
// (the backing store, usually DRAM), then the arithmetic level. Each level has `instances`
// copies laid out on a mesh_x x mesh_y grid; the fan-out from level i+1 to level i is the ratio
// of their meshes (Timeloop's convention). Energies are per action as an Accelergy ERT gives
// them: one read/write/update moves one block of `block_size` words.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orrery::arch::loopnest {

// Energy of one action on one instance, in pJ. A read/write/update moves a whole block.
struct StorageEnergy {
  double read_pj = 0.0;
  double write_pj = 0.0;   // a fill from the parent
  double update_pj = 0.0;  // a partial-sum write from a child or the MACs
  double leak_pj_per_cycle = 0.0;
};

struct StorageLevelSpec {
  std::string name;
  std::string component_class;   // Accelergy class (DRAM, SRAM, regfile, ...), informative
  std::optional<int64_t> depth;  // entries (blocks); nullopt = unbounded (DRAM)
  int word_bits = 8;
  int block_size_words = 1;  // words per entry and instance (width / (word bits x cluster size))
  // Instances that share one wide physical array (Timeloop's cluster_size): one action on it
  // serves every utilized instance of the cluster.
  int64_t cluster_size = 1;
  int64_t instances = 1;
  int64_t mesh_x = 1;
  int64_t mesh_y = 1;
  double read_bandwidth_words_per_cycle = 0.0;    // per instance; 0 = unlimited
  double write_bandwidth_words_per_cycle = 0.0;   // per instance; 0 = unlimited
  double shared_bandwidth_words_per_cycle = 0.0;  // per instance; 0 = unlimited
  double multiple_buffering = 1.0;
  // A spatial-only level (Timeloop's `inter_<container>_spatial` dummy): holds nothing, carries
  // the fan-out of a container.
  bool is_dummy = false;
  // Architecture-level constraints (data space names): the mapper must keep / must bypass these.
  std::vector<std::string> must_keep;
  std::vector<std::string> must_bypass;
  StorageEnergy energy;

  // Capacity in words; nullopt = unbounded.
  std::optional<int64_t> capacity_words() const {
    if (!depth) return std::nullopt;
    return *depth * block_size_words;
  }
};

struct ArithmeticSpec {
  std::string name = "MAC";
  int64_t instances = 1;
  int64_t mesh_x = 1;
  int64_t mesh_y = 1;
  int word_bits = 16;
  // MACs one instance completes per cycle (a vector MAC); Timeloop's v0.4 MAC is 1.
  int64_t macs_per_instance = 1;
  // Newer Timeloop releases (the 2024 tutorial's reference) keep a read-only operand in the MAC
  // across the innermost loops that do not change it; v0.4 (the ISPASS 2020 references) reads it
  // for every compute. Off = v0.4.
  bool operand_reuse = false;
  double compute_energy_pj = 0.0;  // per MAC
};

struct LoopNestSpec {
  std::string name;
  std::vector<StorageLevelSpec> levels;  // [0] innermost ... [size-1] outermost (backing store)
  ArithmeticSpec arithmetic;
  double cycle_seconds = 1e-9;

  int num_levels() const { return static_cast<int>(levels.size()); }
  // -1 when absent.
  int level_index(const std::string& level_name) const;
  // Fan-out from level i to what lies below it (level i-1, or the MACs for i = 0), per axis.
  int64_t fanout_x(int level) const;
  int64_t fanout_y(int level) const;
  // Throws ConfigError naming the level and the key when the spec is inconsistent.
  void validate() const;
};

}  // namespace orrery::arch::loopnest
