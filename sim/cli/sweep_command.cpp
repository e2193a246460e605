// `orrery sweep SPEC.yaml`: a design-space sweep (DESIGN §6), and `orrery sweep merge OUT IN...`
// to combine the databases of a sweep run in shards.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/sweep.hpp"
#include "sim/sweep/evaluator.hpp"
#include "sim/sweep/mpi_backend.hpp"
#include "sim/sweep/result_db.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/spec.hpp"

namespace orrery::sim::cli {
namespace {

int sweep(const SweepArgs& a) {
  if (a.spec.empty())
    throw UsageError("sweep: expected a sweep spec (orrery sweep SPEC.yaml) or `sweep merge`");
  sweep::RunSettings settings = run_settings(a);
  settings.terminal = ::isatty(STDERR_FILENO) != 0;

  // Under mpirun every rank parses the same spec; rank 0 coordinates, the others simulate.
  std::unique_ptr<sweep::MpiSession> mpi;
  if (sweep::mpi_launch_size() > 1) {
    if (!a.shard.empty()) throw UsageError("--shard: not with mpirun (MPI already splits the sweep)");
    mpi = std::make_unique<sweep::MpiSession>();
  }
  bool workers_stopped = false;
  auto stop_workers = [&] {
    if (mpi && mpi->rank() == 0 && !workers_stopped) mpi->stop_workers();
    workers_stopped = true;
  };
  try {
    const sweep::SweepSpec spec = sweep::load_spec(a.spec, sweep::registry_env());
    const arch::Family* family = arch::find_family(spec.base->family());
    sweep::Evaluator evaluator(spec, *family, sweep::load_graphs(spec));
    settings.db_path = a.db.empty() ? sweep::default_db_path(spec) : a.db;

    if (mpi && mpi->rank() > 0) {
      const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
      const int per_rank = std::max(1, cores / std::max(1, local ? std::atoi(local) : 1));
      mpi->serve(evaluator, a.jobs > 0 ? a.jobs : per_rank);
      return 0;
    }
    sweep::BackendFactory factory;
    if (mpi)
      factory = [&](const sweep::Evaluator&, int) {
        workers_stopped = true;  // the backend stops them when it is destroyed
        return mpi->coordinator();
      };
    const auto summary = sweep::run_sweep(evaluator, settings, std::cout, std::cerr, factory);
    stop_workers();
    return summary.interrupted ? 130 : 0;
  } catch (...) {
    if (!mpi) throw;
    // Finalize MPI before the error leaves (an exception in flight would make Boost.MPI abort
    // every rank); rank 0 reports it once, the others exit quietly.
    std::exception_ptr error = std::current_exception();
    const bool coordinator = mpi->rank() == 0;
    try {
      stop_workers();
    } catch (...) {
    }
    mpi.reset();
    if (!coordinator) return 2;
    std::rethrow_exception(error);
  }
}

int merge(const SweepArgs& a) {
  const int64_t added = sweep::merge_databases(a.merge_out, a.merge_in);
  std::cout << fmt::format("sweep merge: {} results added to {} from {} databases\n", added, a.merge_out,
                           a.merge_in.size());
  return 0;
}

}  // namespace

sweep::RunSettings run_settings(const SweepArgs& a) {
  if (a.jobs < 0) throw UsageError(fmt::format("--jobs: expected a positive integer, got {}", a.jobs));
  sweep::RunSettings settings;
  settings.jobs = a.jobs;
  settings.resume = a.resume;
  settings.plot_dir = a.plot;
  if (!a.shard.empty()) settings.shard = sweep::parse_shard(a.shard);
  return settings;
}

void add_sweep_options(CLI::App& app, SweepArgs& args) {
  app.add_option("spec", args.spec, "sweep spec (YAML, see configs/sweeps/)");
  app.add_option("--jobs,-j", args.jobs, "worker processes (default: the number of cores)");
  app.add_option("--db", args.db, "results database (SQLite; default: <spec name>.sqlite)");
  app.add_flag("--resume", args.resume, "run only the tasks missing from --db");
  app.add_option("--plot", args.plot, "write SVG plots and report.html to DIR");
  app.add_option("--shard", args.shard, "run shard i of n (i/n), e.g. for a Slurm job array");
}

Command add_sweep(CLI::App& root) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* app =
      root.add_subcommand("sweep", "design-space sweep: run a sweep spec, or merge shard databases");
  add_sweep_options(*app, *args);
  CLI::App* merge_app =
      app->add_subcommand("merge", "combine sweep databases: merge OUT.sqlite IN.sqlite...");
  merge_app->add_option("out", args->merge_out, "output database (created or extended)")->required();
  merge_app->add_option("inputs", args->merge_in, "input databases of the same sweep")->required();
  app->require_subcommand(0, 1);
  return {app, [args, merge_app] { return merge_app->parsed() ? merge(*args) : sweep(*args); }};
}

}  // namespace orrery::sim::cli
