// `orrery simulate`: one architecture, one workload, one report.
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "sim/atomic_file.hpp"
#include "sim/cli/commands.hpp"
#include "sim/report.hpp"
#include "sim/workload_source.hpp"

namespace orrery::sim::cli {
namespace {

struct SimulateArgs {
  std::string arch_file;
  std::vector<std::string> sets;
  WorkloadArgs workload;
  std::string dtype;
  std::string mapper;
  std::string fidelity = "analytical";
  std::string format = "table";
  std::string out;
  std::string resolved_out;
};

int simulate(const SimulateArgs& a) {
  arch::Fidelity fidelity;
  if (a.fidelity == "analytical")
    fidelity = arch::Fidelity::analytical;
  else if (a.fidelity == "cycle")
    fidelity = arch::Fidelity::cycle;
  else
    throw UsageError(fmt::format("--fidelity: expected analytical|cycle, got '{}'", a.fidelity));
  if (a.format != "table" && a.format != "csv" && a.format != "json")
    throw UsageError(fmt::format("--format: expected table|csv|json, got '{}'", a.format));

  std::vector<config::Override> overrides;
  for (const auto& s : a.sets) overrides.push_back(config::parse_override(s));
  const config::Resolved cfg = arch::load_arch(a.arch_file, overrides);
  const arch::Family* family = arch::find_family(cfg.family());

  WorkloadArgs w = a.workload;
  if (!a.dtype.empty()) w.dtype = a.dtype;
  const workloads::Graph graph = load_workload(w);

  arch::RunOptions options{a.mapper, fidelity, w.batch};
  Report report{cfg.name(), cfg.family(), a.arch_file, cfg.hash(), graph.name(),
                static_cast<int64_t>(graph.size()), graph.params(), graph.macs(), fidelity,
                family->simulate(cfg, graph, options)};

  std::ostringstream text;
  if (a.format == "json")
    write_json(text, report);
  else if (a.format == "csv")
    write_csv(text, report);
  else
    write_table(text, report);
  if (!a.resolved_out.empty()) write_file_atomically(a.resolved_out, cfg.to_yaml(), "--resolved-config");
  if (a.out.empty())
    std::cout << text.str();
  else
    write_file_atomically(a.out, text.str());
  return 0;
}

}  // namespace

Command add_simulate(CLI::App& root) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* app = root.add_subcommand("simulate", "simulate a workload on an architecture");
  app->add_option("--arch", args->arch_file, "architecture config (YAML)")->required();
  app->add_option("--set", args->sets, "override a config key: key.path=value (repeatable)");
  app->add_option("--model", args->workload.model, "zoo model NAME[:k=v,...] (see `orrery list models`)");
  app->add_option("--onnx", args->workload.onnx, "ONNX file");
  app->add_option("--op", args->workload.op, "single op, e.g. gemm:M=1024,N=1024,K=1024,dtype=fp16");
  app->add_option("--topology", args->workload.topology, "SCALE-Sim topology CSV");
  app->add_option("--batch", args->workload.batch, "batch size for --model/--onnx");
  app->add_option("--dtype", args->dtype, "compute dtype (fp32|tf32|bf16|fp16|fp8_e4m3|int8|int4)");
  app->add_option("--quantize", args->workload.quantize, "quantize compute ops: int8|int4|fp8");
  app->add_option("--prune", args->workload.prune, "prune weights: density=D[,structured=channel] (0 < D <= 1)");
  app->add_option("--low-rank", args->workload.low_rank, "factor linear/conv layers: rank=R");
  app->add_option("--mapper", args->mapper, "mapper (see `orrery list mappers`)");
  app->add_option("--fidelity", args->fidelity, "analytical|cycle");
  app->add_option("--format", args->format, "table|csv|json");
  app->add_option("--out", args->out, "write the report to FILE instead of stdout");
  app->add_option("--resolved-config", args->resolved_out, "write the fully resolved config (YAML) to FILE");
  return {app, [args] { return simulate(*args); }};
}

}  // namespace orrery::sim::cli
