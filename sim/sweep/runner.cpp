#include "sim/sweep/runner.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "common/error.hpp"
#include "sim/atomic_file.hpp"
#include "sim/sweep/analysis.hpp"
#include "sim/sweep/interrupt_guard.hpp"
#include "sim/sweep/plots.hpp"
#include "sim/sweep/process_pool.hpp"
#include "sim/sweep/progress.hpp"
#include "sim/sweep/result_db.hpp"

namespace orrery::sim::sweep {

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto bad = [&] { return UsageError(fmt::format("--shard: expected i/n with 0 <= i < n, got '{}'", text)); };
  if (slash == std::string::npos) throw bad();
  try {
    size_t a = 0, b = 0;
    const std::string i = text.substr(0, slash), n = text.substr(slash + 1);
    Shard s{std::stoull(i, &a), std::stoull(n, &b)};
    if (a != i.size() || b != n.size() || s.count == 0 || s.index >= s.count || i[0] == '-' || n[0] == '-')
      throw bad();
    return s;
  } catch (const std::logic_error&) {
    throw bad();
  }
}

std::string default_db_path(const SweepSpec& spec) { return spec.name + ".sqlite"; }

namespace {

// The tasks that belong to this shard and are not in the database yet.
struct TaskSet {
  std::vector<bool> done;
  const PointSpace& space;
  Shard shard;
  bool mine(uint64_t task) const { return space.point_of(task) % shard.count == shard.index; }
  bool todo(uint64_t task) const { return mine(task) && !done[task]; }
};

// Runs every task still to do on the backend, inserting results as they come; false when
// interrupted (what finished is in the database).
bool run_tasks(const Evaluator& evaluator, const RunSettings& settings, const TaskSet& set, uint64_t todo,
               ResultDb& db, std::ostream& progress_out, const BackendFactory& make_backend,
               RunSummary& summary) {
  const SweepSpec& spec = evaluator.spec();
  InterruptGuard interrupt;
  const int jobs =
      settings.jobs > 0 ? settings.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::unique_ptr<Backend> backend = make_backend ? make_backend(evaluator, interrupt.fd()) : nullptr;
  if (!backend) backend = std::make_unique<ProcessPool>(evaluator, jobs, interrupt.fd());
  const uint64_t slots = static_cast<uint64_t>(backend->slots());
  // Batches long enough to amortize a pipe round trip, short enough to balance the workers;
  // one task at a time at the cycle fidelity (each is a process of its own).
  const uint64_t batch =
      spec.fidelity == arch::Fidelity::cycle ? 1 : std::clamp<uint64_t>(todo / (slots * 16), 1, 256);
  Progress progress(progress_out, todo, settings.terminal, settings.progress_interval_s);
  uint64_t next = 0, in_flight = 0;
  auto next_batch = [&] {
    std::vector<uint64_t> tasks;
    for (; next < set.space.tasks() && tasks.size() < batch; ++next)
      if (set.todo(next)) tasks.push_back(next);
    return tasks;
  };
  bool interrupted = false;
  while (true) {
    while (in_flight < slots) {
      auto tasks = next_batch();
      if (tasks.empty()) break;
      backend->submit(std::move(tasks));
      ++in_flight;
    }
    if (in_flight == 0) break;
    auto rows = backend->wait_any();
    if (!rows) {
      interrupted = true;
      break;
    }
    --in_flight;
    db.insert(*rows, set.space);
    summary.ran += rows->size();
    progress.advance(rows->size());
  }
  progress.finish();
  return !interrupted;
}

// The closing lines, the Pareto front (printed and saved as a table) and the plots.
void report(const SweepSpec& spec, const PointSpace& space, const RunSettings& settings,
            const RunSummary& summary, ResultDb& db, std::ostream& out) {
  out << fmt::format(
      "sweep {}: {} points x {} workloads{}: ran {}, already done {}, {:.2f} s ({:.0f} results/s) "
      "-> {}\n",
      spec.name, space.points(), space.workloads(),
      settings.shard.count > 1
          ? fmt::format(" (shard {}/{}: {} tasks)", settings.shard.index, settings.shard.count, summary.tasks)
          : "",
      summary.ran, summary.already_done, summary.seconds,
      summary.seconds > 0 ? static_cast<double>(summary.ran) / summary.seconds : 0.0, settings.db_path);
  const Analysis analysis = analyze(db, spec, space);
  if (settings.shard.count > 1)
    out << "(front over this shard's points only; merge the shards for the whole sweep)\n";
  print_front(out, analysis, spec, space);
  db.save_table("pareto", front_columns(spec), front_rows(analysis, spec, space));
  if (!settings.plot_dir.empty()) {
    write_plots(settings.plot_dir, analysis, spec, space);
    out << fmt::format("plots: {}/report.html\n", settings.plot_dir);
  }
}

}  // namespace

RunSummary run_sweep(const Evaluator& evaluator, const RunSettings& settings, std::ostream& out,
                     std::ostream& progress_out, const BackendFactory& make_backend) {
  const auto start = std::chrono::steady_clock::now();
  const SweepSpec& spec = evaluator.spec();
  const PointSpace& space = evaluator.space();
  ResultDb db(settings.db_path, spec);
  const int64_t existing = db.count();
  if (existing > 0 && !settings.resume)
    throw UsageError(
        fmt::format("--db {}: already holds {} results of this sweep; pass --resume to run only the "
                    "missing ones, or choose another --db",
                    settings.db_path, existing));

  RunSummary summary;
  const TaskSet set{db.done_tasks(space), space, settings.shard};
  uint64_t todo = 0;
  for (uint64_t t = 0; t < space.tasks(); ++t) {
    if (!set.mine(t)) continue;
    ++summary.tasks;
    if (set.done[t])
      ++summary.already_done;
    else
      ++todo;
  }
  if (todo > 0)
    summary.interrupted = !run_tasks(evaluator, settings, set, todo, db, progress_out, make_backend, summary);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (summary.interrupted) {
    out << fmt::format(
        "sweep {}: interrupted after {} new results ({} of {} in {}); run again with --resume to "
        "finish\n",
        spec.name, summary.ran, summary.already_done + summary.ran, summary.tasks, settings.db_path);
    return summary;
  }
  report(spec, space, settings, summary, db, out);
  return summary;
}

}  // namespace orrery::sim::sweep
