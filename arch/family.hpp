#pragma once
// An architecture family (systolic, gpu, fpga): its config schema, its mappers and its models.
// Each family lives in arch/<family>/ and is listed once in arch/registry.cpp.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/stats.hpp"
#include "common/config/resolved.hpp"
#include "workloads/graph.hpp"

namespace orrery::arch {

enum class Fidelity { analytical, cycle };
std::string_view to_string(Fidelity f);

struct RunOptions {
  std::string mapper;  // empty: the family's default mapper
  Fidelity fidelity = Fidelity::analytical;
  int64_t batch = 1;   // inferences per run, for throughput
};

struct LayerResult {
  std::string name;
  std::string op;     // op kind
  std::string shape;  // Op::describe()
  Stats stats;
  nlohmann::json mapping;  // the Mapping as the mapper chose it
};

struct RunResult {
  std::string mapper;
  std::vector<LayerResult> layers;
  Stats total;
  double throughput_per_s = 0;        // inferences per second (batch / seconds unless pipelined)
  nlohmann::json resources = nullptr;  // FPGA: dsp, lut, ff, bram, uram, fits; null elsewhere
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

  // Maps and times every op of `graph`. Throws WorkloadError for an op the family cannot run,
  // UsageError for an unknown mapper. The cycle fidelity elaborates SystemC: once per process.
  virtual RunResult simulate(const config::Resolved& cfg, const workloads::Graph& graph,
                             const RunOptions& options) const = 0;
};

// Sums layer stats into total and sets throughput = batch / seconds; checks invariants.
void finalize(RunResult& result, int64_t batch);

}  // namespace orrery::arch
