// Entry points that need the architecture registry or the simulator: configs and --set, sweep
// specs and orrery's JSON mapping files.
#include <nlohmann/json.hpp>
#include <utility>

#include "arch/family.hpp"
#include "arch/mapping_file.hpp"
#include "arch/registry.hpp"
#include "common/config/resolved.hpp"
#include "common/error.hpp"
#include "fuzz/entry_points.hpp"
#include "fuzz/input_helpers.hpp"
#include "sim/sweep/spec.hpp"
#include "workloads/op_spec.hpp"

namespace orrery::fuzz {
namespace {

// --arch FILE: an orrery config, or a Timeloop architecture that the loop-nest family wraps.
void parse_config(std::string_view data) {
  ScratchFile file(data, ".yaml");
  arch::load_arch(file.path());
}

// --set key.path=value (one per line) on a shipped config of each family.
void parse_set(std::string_view data) {
  static const std::vector<std::string> configs = {
      repo_path("configs/systolic/edge_32x32.yaml"), repo_path("configs/gpu/h100_sxm.yaml"),
      repo_path("configs/fpga/zc706_streaming.yaml"), repo_path("configs/fpga/zcu102_dpu.yaml"),
      repo_path("configs/loopnest/eyeriss_like.yaml")};
  const std::string& config = pick(configs, data);
  std::vector<config::Override> overrides;
  for (const auto& line : lines(data)) overrides.push_back(config::parse_override(line));
  arch::load_arch(config, overrides);
}

// Relative paths in the spec (base:, onnx:, topology:) resolve against configs/sweeps, as for
// the shipped specs.
void parse_sweep(std::string_view data) {
  sim::sweep::parse_spec_text(std::string(data), "fuzz_sweep.yaml", repo_path("configs/sweeps"),
                              sim::sweep::registry_env());
}

// --mapping FILE (orrery's JSON mapping document) against a config and a workload per family.
struct MappingContext {
  config::Resolved cfg;
  workloads::Graph graph;
};

void parse_mapping_file(std::string_view data) {
  static const std::vector<MappingContext> contexts = [] {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"configs/systolic/edge_32x32.yaml", "gemm:M=64,N=32,K=16"},
        {"configs/gpu/h100_sxm.yaml", "gemm:M=64,N=32,K=16"},
        {"configs/fpga/zc706_streaming.yaml", "conv2d:N=1,C=8,H=8,W=8,K=8,R=3,S=3,pad=1"},
        {"configs/fpga/zcu102_dpu.yaml", "conv2d:N=1,C=8,H=8,W=8,K=8,R=3,S=3,pad=1"},
        {"configs/loopnest/simple_weight_stationary.yaml", "conv2d:N=1,C=8,H=8,W=8,K=8,R=3,S=3,pad=1"}};
    std::vector<MappingContext> out;
    for (const auto& [config, op] : cases)
      out.push_back({arch::load_arch(repo_path(config)), workloads::parse_op_spec(op)});
    return out;
  }();
  const MappingContext& ctx = pick(contexts, data);
  // As sim/cli/simulate_command.cpp reads it.
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(data);
  } catch (const nlohmann::json::exception& e) {
    throw MappingError(fmt::format("fuzz.json: not a JSON mapping file: {}", e.what()));
  }
  const arch::Family* family = arch::find_family(ctx.cfg.family());
  arch::read_mapping_document(doc, "fuzz.json", *family, ctx.cfg, ctx.graph);
}

}  // namespace

const std::vector<EntryPoint>& sim_entry_points() {
  static const std::vector<EntryPoint> group = {
      {"config", "--arch FILE: YAML config (or a Timeloop architecture)", parse_config},
      {"set", "--set key.path=value lines on a shipped config (first byte picks it)", parse_set},
      {"sweep", "sweep SPEC.yaml", parse_sweep},
      {"mapping_file", "--mapping FILE.json (orrery; first byte picks the config)", parse_mapping_file},
  };
  return group;
}

}  // namespace orrery::fuzz
