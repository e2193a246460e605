#pragma once
// An architecture family (systolic, gpu, fpga): its config schema, its mappers and its models.
// Each family lives in arch/<family>/ and is listed once in arch/registry.cpp.
//
// A run is two steps, as in Timeloop: map (choose a mapping for every op; a search may take a
// while) and evaluate (time a given mapping at a fidelity). The orchestration around them
// (checks, finalize) is written once here; a mapping saved to JSON can be evaluated again
// without mapping (arch/mapping_file.hpp).
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arch/mappings.hpp"
#include "arch/stats.hpp"
#include "common/config/resolved.hpp"
#include "workloads/graph.hpp"
#include "workloads/training/phase.hpp"

namespace orrery::arch {

enum class Fidelity { analytical, cycle };
std::string_view to_string(Fidelity f);

struct MapOptions {
  std::string mapper;  // empty: the family's default mapper
  int64_t batch = 1;   // inferences per run (an FPGA pipeline folds for it)
  // Mappers that search a mapspace (--mapper search): what they minimize, their wall-clock
  // budget per run (0: the mapper's own stopping rule), the seed that makes them deterministic,
  // and a constraints file (Timeloop mapper constraints, loop-nest family).
  std::string objective = "edp";  // edp|energy|delay
  double search_time_s = 0;
  uint64_t seed = 1;
  std::string constraints_file;
};

// A training step's phase per op (TrainingStep::phase); empty for an inference graph.
using OpPhases = std::vector<workloads::training::Phase>;

struct EvalOptions {
  Fidelity fidelity = Fidelity::analytical;
  int64_t batch = 1;  // inferences per run, for throughput
  OpPhases phases;
};

// Map and evaluate in one call.
struct RunOptions {
  std::string mapper;  // empty: the family's default mapper
  Fidelity fidelity = Fidelity::analytical;
  int64_t batch = 1;  // inferences per run, for throughput
  // Searching mappers (MapOptions).
  std::string objective = "edp";
  double search_time_s = 0;
  uint64_t seed = 1;
  std::string constraints_file;
  OpPhases phases;  // EvalOptions::phases
  MapOptions map() const {
    MapOptions m;
    m.mapper = mapper;
    m.batch = batch;
    m.objective = objective;
    m.search_time_s = search_time_s;
    m.seed = seed;
    m.constraints_file = constraints_file;
    return m;
  }
  EvalOptions eval() const { return {fidelity, batch, phases}; }
};

struct LayerResult {
  std::string name;
  std::string op;     // op kind
  std::string shape;  // Op::describe()
  Stats stats;
  nlohmann::json mapping;           // the op's mapping (Mappings::layer_json)
  nlohmann::json timing = nullptr;  // how the model timed it, where it says more than stats (GPU kernels)
  // Loop-nest family: per storage level (and the arithmetic level) its name, energy_j, instances
  // and per-data-space counts, as Timeloop reports them (DESIGN section 5); null elsewhere.
  nlohmann::json levels = nullptr;
};

// A pipeline overlaps its layers: the run takes fill + period x images, not the sum of layers.
struct OverlappedTotal {
  int64_t cycles = 0;
  double seconds = 0;
  double utilization = 0;
};

struct RunResult {
  std::string mapper;
  std::vector<LayerResult> layers;
  Stats total;
  double throughput_per_s = 0;                // inferences per second (batch / seconds unless pipelined)
  nlohmann::json resources = nullptr;         // FPGA: dsp, lut, ff, bram, uram, fits; null elsewhere
  std::optional<OverlappedTotal> overlapped;  // set by pipelined engines; finalize applies it
};

class Family {
 public:
  virtual ~Family() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view doc() const = 0;
  virtual std::shared_ptr<const config::Schema> schema() const = 0;
  virtual std::vector<std::string> mappers() const = 0;  // the first is the default

  // Cross-field checks beyond each key's own type and range (e.g. SRAM must hold one tile);
  // throws ConfigError naming the file and keys.
  virtual void check(const config::Resolved& cfg) const = 0;

  // One mapping per op of `graph`. Throws WorkloadError for an op the family cannot run
  // ("not supported yet: ..."), UsageError for an unknown mapper.
  virtual std::unique_ptr<const Mappings> map(const config::Resolved& cfg, const workloads::Graph& graph,
                                              const MapOptions& options) const = 0;

  // Times `mappings` of `graph` (from map() or read back from a file): per-layer stats, and
  // throughput/resources where the family has them; run() finalizes. The cycle fidelity runs
  // SystemC in a forked child (arch/isolated_run.hpp), so a process may evaluate many times.
  virtual RunResult evaluate(const config::Resolved& cfg, const workloads::Graph& graph,
                             const Mappings& mappings, const EvalOptions& options) const = 0;

  // The family's typed mappings from the JSON that Mappings::layer_json / graph_json wrote
  // (`layers` has one entry per op of `graph`). Throws MappingError on a malformed entry or one
  // that contradicts `cfg` (e.g. folds for another array size).
  virtual std::unique_ptr<const Mappings> read_mappings(const std::string& mapper,
                                                        const nlohmann::json& layers,
                                                        const nlohmann::json& graph_part,
                                                        const config::Resolved& cfg,
                                                        const workloads::Graph& graph) const = 0;

  // Another tool's file given as --arch (a Timeloop architecture for the loop-nest family): the
  // text of an orrery config of this family that refers to it, or nullopt when `text` is not
  // such a file. Only consulted for files without a `family:` key.
  virtual std::optional<std::string> wrap_foreign_config(const std::string& /*path*/,
                                                         const std::string& /*text*/) const {
    return std::nullopt;
  }

  // A mapping file of another tool given as --mapping (a Timeloop mapping YAML for the loop-nest
  // family): the family's mappings of `graph`, or nullptr when the family reads no such file.
  // Throws MappingError naming the file, level and dimension when the mapping cannot run.
  virtual std::unique_ptr<const Mappings> read_foreign_mapping(const std::string& /*path*/,
                                                               const config::Resolved& /*cfg*/,
                                                               const workloads::Graph& /*graph*/) const {
    return nullptr;
  }

  // Die area of the configured design, for perf-per-area objectives; nullopt where the family
  // has no area model (has_area_model() false: sweeps reject area objectives on it).
  virtual bool has_area_model() const { return false; }
  virtual std::optional<double> area_mm2(const config::Resolved&) const { return std::nullopt; }

  // evaluate, then finalize (the mapping must be this family's and cover `graph`).
  RunResult run(const config::Resolved& cfg, const workloads::Graph& graph, const Mappings& mappings,
                const EvalOptions& options) const;
  // map, then run.
  RunResult simulate(const config::Resolved& cfg, const workloads::Graph& graph,
                     const RunOptions& options) const;
};

// Sums layer stats into total (or takes the pipeline's overlapped total) and sets throughput =
// batch / seconds unless the family set it; checks invariants.
void finalize(RunResult& result, int64_t batch);

}  // namespace orrery::arch
