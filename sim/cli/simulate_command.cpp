// `orrery simulate`: one architecture, one workload, one report.
#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <utility>

#include "arch/mapping_file.hpp"
#include "arch/registry.hpp"
#include "common/error.hpp"
#include "sim/atomic_file.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/simulate.hpp"
#include "sim/parallel/parallel_command.hpp"
#include "sim/report.hpp"
#include "sim/train_report.hpp"
#include "sim/workload_source.hpp"

namespace orrery::sim::cli {
namespace {

struct CommandArgs {
  SimulateArgs sim;
  std::string format = "table";
  std::string out;
};

// --train: the options of the step, checked; the training options without --train are an error.
std::optional<workloads::training::TrainOptions> train_options(const SimulateArgs& a,
                                                               const config::Resolved& cfg) {
  if (!a.train) {
    for (const auto& [flag, value] :
         {std::pair{"--optimizer", a.optimizer}, std::pair{"--optimizer-impl", a.optimizer_impl},
          std::pair{"--recompute", a.recompute}, std::pair{"--precision", a.precision}})
      if (!value.empty()) throw UsageError(fmt::format("{}: only with --train", flag));
    return std::nullopt;
  }
  namespace tr = workloads::training;
  tr::TrainOptions o;
  if (!a.optimizer.empty()) o.optimizer = tr::parse_optimizer(a.optimizer);
  if (!a.optimizer_impl.empty()) o.impl = tr::parse_optimizer_impl(a.optimizer_impl);
  if (!a.recompute.empty()) o.recompute = tr::parse_recompute(a.recompute);
  if (!a.dtype.empty()) {
    const auto dt = workloads::parse_dtype(a.dtype);
    if (!dt)
      throw UsageError(fmt::format("--dtype: expected {}, got '{}'", workloads::dtype_choices(), a.dtype));
    o.dtype = tr::training_dtype(*dt);
  }
  if (!a.precision.empty()) {
    o.precision = tr::parse_precision(a.precision);
    if (o.precision == tr::Precision::half && !o.autocast())
      throw UsageError(fmt::format("--precision half: needs --dtype bf16|fp16, got {}", to_string(o.dtype)));
  }
  o.workspace_bytes = training_workspace_bytes(cfg);
  return o;
}

// The mappings to evaluate: read back from --mapping, or made by the family's mapper.
std::unique_ptr<const arch::Mappings> mappings_for(const SimulateArgs& a, const arch::Family& family,
                                                   const config::Resolved& cfg, const workloads::Graph& graph,
                                                   int64_t batch) {
  if (a.mapping_in.empty()) {
    arch::MapOptions options = a.search;
    options.mapper = a.mapper;
    options.batch = batch;
    if (options.objective != "edp" && options.objective != "energy" && options.objective != "delay")
      throw UsageError(fmt::format("--objective: expected edp|energy|delay, got '{}'", options.objective));
    if (!(options.search_time_s >= 0))
      throw UsageError(fmt::format("--search-time: expected seconds >= 0, got {}", options.search_time_s));
    return family.map(cfg, graph, options);
  }
  if (!a.mapper.empty())
    throw UsageError("--mapper and --mapping exclude each other: a saved mapping is evaluated as it is");
  std::ifstream in(a.mapping_in);
  if (!in) throw UsageError(fmt::format("--mapping: cannot read '{}'", a.mapping_in));
  // Not a JSON document: another tool's mapping the family reads itself (a Timeloop mapping YAML).
  char first = ' ';
  while (in.get(first) && std::isspace(static_cast<unsigned char>(first))) {
  }
  in.clear();
  in.seekg(0);
  if (first != '{')
    if (auto foreign = family.read_foreign_mapping(a.mapping_in, cfg, graph)) return foreign;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number past double
    throw MappingError(fmt::format("{}: not a JSON mapping file: {}", a.mapping_in, e.what()));
  }
  return arch::read_mapping_document(doc, a.mapping_in, family, cfg, graph);
}

}  // namespace

Report run_simulation(const SimulateArgs& a) {
  arch::Fidelity fidelity;
  if (a.fidelity == "analytical")
    fidelity = arch::Fidelity::analytical;
  else if (a.fidelity == "cycle")
    fidelity = arch::Fidelity::cycle;
  else
    throw UsageError(fmt::format("--fidelity: expected analytical|cycle, got '{}'", a.fidelity));
  std::vector<config::Override> overrides;
  for (const auto& s : a.sets) overrides.push_back(config::parse_override(s));
  // --ert sets the `ert` key; relative to the working directory, as every command-line path.
  if (!a.ert_file.empty())
    overrides.push_back({"ert", std::filesystem::absolute(a.ert_file).lexically_normal().string()});
  // --launch sets the GPU family's software.launch key.
  if (!a.launch.empty()) {
    if (a.launch != "graph" && a.launch != "eager")
      throw UsageError(fmt::format("--launch: expected graph|eager, got '{}'", a.launch));
    overrides.push_back({"software.launch", a.launch});
  }
  const config::Resolved cfg = [&] {
    try {
      return arch::load_arch(a.arch_file, overrides);
    } catch (const ConfigError& e) {
      if (!a.launch.empty() && std::string_view(e.what()).starts_with("--set software.launch:"))
        throw UsageError(fmt::format("--launch: {} is not a GPU architecture (only GPUs have a launch mode)",
                                     a.arch_file));
      // --ert is the `ert` key of the loop-nest family; say so rather than "--set ert".
      if (!a.ert_file.empty() && std::string_view(e.what()).starts_with("--set ert:"))
        throw UsageError(fmt::format("--ert: {} is not a loop-nest architecture (it takes no Accelergy ERT)",
                                     a.arch_file));
      throw;
    }
  }();
  const arch::Family* family = arch::find_family(cfg.family());

  WorkloadArgs w = a.workload;
  if (!a.dtype.empty()) w.dtype = a.dtype;
  w.eager = cfg.family() == "gpu" && cfg.string("software.launch") == "eager";
  std::optional<parallel::ParallelRun> par;
  if (!a.parallel.empty() || !a.timeline.empty())
    par = parallel::prepare_parallel(a.parallel, a.timeline, w,
                                     !a.mapping_in.empty() || !a.mapping_out.empty());
  const auto train = train_options(a, cfg);
  w.training = train.has_value();
  if (par) {
    const workloads::Graph graph = load_workload(w);
    const arch::RunOptions options{a.mapper,
                                   fidelity,
                                   w.batch,
                                   a.search.objective,
                                   a.search.search_time_s,
                                   a.search.seed,
                                   a.search.constraints_file};
    const parallel::ParallelResult pr =
        parallel::run_parallel(*family, cfg, graph, par->strategy, options, par->global_batch, train);
    if (!a.timeline.empty())
      write_file_atomically(a.timeline, parallel::chrome_trace(pr).dump() + "\n", "--timeline");
    Report report{cfg.name(),     cfg.family(),
                  a.arch_file,    cfg.hash(),
                  graph.name(),   static_cast<int64_t>(graph.size()),
                  graph.params(), graph.macs(),
                  fidelity,       parallel::step_run_result(pr)};
    report.parallel = parallel::parallel_json(pr);
    if (pr.train) report.train = to_json(*pr.train);
    if (!a.resolved_out.empty()) write_file_atomically(a.resolved_out, cfg.to_yaml(), "--resolved-config");
    return report;
  }
  std::optional<workloads::training::TrainingStep> step;
  const workloads::Graph graph = [&] {
    workloads::Graph g = load_workload(w);
    if (!train) return g;
    step = workloads::training::build_training_step(g, *train);
    return step->graph;
  }();

  const auto mappings = mappings_for(a, *family, cfg, graph, w.batch);
  if (!a.mapping_out.empty())
    write_file_atomically(a.mapping_out, arch::mapping_document(*mappings, cfg, graph).dump(2) + "\n",
                          "--save-mapping");
  Report report{
      cfg.name(),
      cfg.family(),
      a.arch_file,
      cfg.hash(),
      graph.name(),
      static_cast<int64_t>(graph.size()),
      graph.params(),
      graph.macs(),
      fidelity,
      family->run(cfg, graph, *mappings, {fidelity, w.batch, step ? step->phase : arch::OpPhases{}})};
  if (step) {
    report.workload_params = step->params;
    report.train = to_json(summarize_training(*step, report.result, device_memory_bytes(cfg)));
  }

  if (!a.resolved_out.empty()) write_file_atomically(a.resolved_out, cfg.to_yaml(), "--resolved-config");
  return report;
}

namespace {

int simulate(const CommandArgs& a) {
  if (a.format != "table" && a.format != "csv" && a.format != "json")
    throw UsageError(fmt::format("--format: expected table|csv|json, got '{}'", a.format));
  const Report report = run_simulation(a.sim);
  std::ostringstream text;
  if (a.format == "json")
    write_json(text, report);
  else if (a.format == "csv")
    write_csv(text, report);
  else
    write_table(text, report);
  if (a.out.empty())
    std::cout << text.str();
  else
    write_file_atomically(a.out, text.str());
  return 0;
}

}  // namespace

void add_simulate_options(CLI::App& app, SimulateArgs& args) {
  app.add_option("--arch", args.arch_file, "architecture config (YAML)")->required();
  app.add_option("--ert", args.ert_file,
                 "Accelergy energy reference table (ERT.yaml) of a loop-nest architecture");
  app.add_option("--set", args.sets, "override a config key: key.path=value (repeatable)");
  app.add_option("--launch", args.launch,
                 "GPU: graph (a CUDA graph replay) or eager (the framework's per-op host dispatch; "
                 "software.launch)");
  app.add_option("--model", args.workload.model, "zoo model NAME[:k=v,...] (see `orrery list models`)");
  app.add_option("--onnx", args.workload.onnx, "ONNX file");
  app.add_option("--onnx-input", args.workload.onnx_inputs,
                 "with --onnx: a graph input's value (a TensorProto .pb, as ONNX's test data sets store "
                 "them) where it decides shapes; repeatable");
  app.add_option("--op", args.workload.op, "single op, e.g. gemm:M=1024,N=1024,K=1024,dtype=fp16");
  app.add_option("--topology", args.workload.topology, "SCALE-Sim topology CSV");
  app.add_option("--problem", args.workload.problem, "Timeloop problem (YAML): one generic loop nest");
  app.add_option("--batch", args.workload.batch, "batch size for --model/--onnx");
  app.add_option("--dtype", args.dtype, "compute dtype (fp32|tf32|bf16|fp16|fp8_e4m3|int8|int4)");
  app.add_option("--quantize", args.workload.quantize, "quantize compute ops: int8|int4|fp8");
  app.add_option("--prune", args.workload.prune,
                 "prune weights: density=D[,structured=channel] (0 < D <= 1)");
  app.add_option("--low-rank", args.workload.low_rank, "factor linear/conv layers: rank=R");
  app.add_option("--mapper", args.mapper, "mapper (see `orrery list mappers`)");
  app.add_option("--fidelity", args.fidelity, "analytical|cycle");
  app.add_option("--objective", args.search.objective, "what --mapper search minimizes: edp|energy|delay");
  app.add_option("--search-time", args.search.search_time_s,
                 "wall-clock budget of a mapspace search, seconds");
  app.add_option("--seed", args.search.seed, "seed of a mapspace search (same seed, same result)");
  app.add_option("--constraints", args.search.constraints_file, "mapper constraints (Timeloop YAML)");
  app.add_option("--mapping", args.mapping_in,
                 "evaluate a mapping saved by --save-mapping, or a Timeloop mapping YAML (no mapper runs)");
  app.add_option("--save-mapping", args.mapping_out, "write the mappings used to FILE (JSON) for --mapping");
  app.add_option("--resolved-config", args.resolved_out, "write the fully resolved config (YAML) to FILE");
  app.add_option("--parallel", args.parallel,
                 "spread the step over devices: dp=D,tp=T,pp=P,microbatches=M[,sp=0|1][,zero=0|1|2|3]"
                 "[,schedule=gpipe|1f1b][,virtual=V: interleaved 1F1B, V model chunks a stage] (--batch is "
                 "the global batch)");
  app.add_flag("--train", args.train,
               "simulate one training step (forward, loss, backward, optimizer); total.seconds is the step");
  app.add_option("--optimizer", args.optimizer,
                 "with --train: none|sgd|sgd_momentum|adam|adamw (default adamw)");
  app.add_option("--optimizer-impl", args.optimizer_impl,
                 "with --train: foreach|fused, as torch.optim runs the update (default foreach)");
  app.add_option("--recompute", args.recompute,
                 "with --train: activation recomputation none|selective|full (default none)");
  app.add_option(
      "--precision", args.precision,
      "with --train and --dtype bf16|fp16: autocast (torch.autocast over an fp32 model, the "
      "default) or half (the model in 16-bit with fp32 master weights: model.half(), Megatron-LM)");
  app.add_option("--timeline", args.timeline,
                 "write one parallel step as a Chrome/Perfetto trace (JSON) to FILE");
}

Command add_simulate(CLI::App& root) {
  auto args = std::make_shared<CommandArgs>();
  CLI::App* app = root.add_subcommand("simulate", "simulate a workload on an architecture");
  add_simulate_options(*app, args->sim);
  app->add_option("--format", args->format, "table|csv|json");
  app->add_option("--out", args->out, "write the report to FILE instead of stdout");
  return {app, [args] { return simulate(*args); }};
}

}  // namespace orrery::sim::cli
