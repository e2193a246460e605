#include "sim/sweep/evaluator.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <cmath>
#include <map>
#include <optional>

#include "common/error.hpp"
#include "sim/sweep/area.hpp"
#include "sim/sweep/fnv_hash.hpp"

namespace orrery::sim::sweep {
namespace {

constexpr size_t kMaxReasonChars = 2000;

std::string clip(std::string s) {
  if (s.size() > kMaxReasonChars) s = s.substr(0, kMaxReasonChars) + "...";
  return s;
}

}  // namespace

std::vector<workloads::Graph> load_graphs(const SweepSpec& spec) {
  std::vector<workloads::Graph> graphs;
  for (const auto& w : spec.workloads) {
    try {
      graphs.push_back(load_workload(w.args));
    } catch (const InputError& e) {
      throw ConfigError(fmt::format("{}: workloads: {}", w.origin, e.what()));
    }
  }
  return graphs;
}

Evaluator::Evaluator(const SweepSpec& spec, const arch::Family& family, std::vector<workloads::Graph> graphs)
    : spec_(spec), family_(family), graphs_(std::move(graphs)), space_(spec) {
  const auto mappers = family_.mappers();
  default_mapper_ = mappers.empty() ? "default" : mappers.front();
}

std::optional<config::Resolved> Evaluator::resolve(uint64_t point, std::string& invalid_reason) const {
  invalid_reason.clear();
  try {
    config::Resolved c = spec_.base->with_overrides(space_.overrides(point));
    family_.check(c);
    return c;
  } catch (const ConfigError& e) {
    invalid_reason = e.what();
    return std::nullopt;
  }
}

ResultRow Evaluator::failed_row(uint64_t task, const std::string& reason) const {
  std::string invalid;
  auto cfg = resolve(space_.point_of(task), invalid);
  ResultRow row = run_task(task, cfg ? &*cfg : nullptr, invalid, false);
  row.status = RowStatus::failed;
  row.reason = clip(reason);
  return row;
}

ResultRow Evaluator::run_task(uint64_t task, const config::Resolved* cfg, const std::string& invalid_reason,
                              bool simulate) const {
  ResultRow row;
  row.point = space_.point_of(task);
  row.workload = space_.workload_of(task);
  const std::string& requested = spec_.mappers[space_.mapper_index(row.point)];
  row.mapper = requested.empty() ? default_mapper_ : requested;
  if (cfg) {
    row.config_hash = cfg->hash();
  } else {  // no config to hash: name the invalid design by the base and its overrides
    std::string text = spec_.base->hash();
    for (const auto& o : space_.overrides(row.point)) text += "|" + o.path + "=" + o.value;
    row.config_hash = "invalid-" + fnv1a_hex(text);
  }
  // A searching mapper's result depends on what it minimizes, its budget and seed: they are part
  // of its key (other mappers ignore them, so their results stay shared across search settings).
  const std::string mapper_text =
      row.mapper == "search" ? row.mapper + "(" + spec_.search.text() + ")" : row.mapper;
  row.key = fnv1a_hex(fmt::format("{}|{}|{}|{}|{}", row.config_hash, spec_.workloads[row.workload].label,
                                  mapper_text, arch::to_string(spec_.fidelity), ORRERY_VERSION));
  if (!cfg) {
    row.status = RowStatus::invalid;
    row.reason = clip(invalid_reason);
    return row;
  }
  if (auto area = area_mm2(*cfg)) row.area_mm2 = *area;
  if (!simulate) return row;
  const auto& graph = graphs_[row.workload];
  try {
    arch::RunOptions options{requested, spec_.fidelity, spec_.workloads[row.workload].args.batch};
    options.objective = spec_.search.objective;
    options.search_time_s = spec_.search.time_s;
    options.seed = spec_.search.seed;
    const arch::RunResult result = family_.simulate(*cfg, graph, options);
    const arch::Stats& t = result.total;
    row.cycles = t.cycles;
    row.seconds = t.seconds;
    row.energy_j = t.energy_j;
    row.dram_read_bytes = t.dram_read_bytes;
    row.dram_write_bytes = t.dram_write_bytes;
    row.sram_read_bytes = t.sram_read_bytes;
    row.sram_write_bytes = t.sram_write_bytes;
    row.macs = t.macs;
    row.utilization = t.utilization;
    row.throughput_per_s = result.throughput_per_s;
    if (result.resources.is_object() && result.resources.contains("fits"))
      row.fits = result.resources["fits"].get<bool>() ? 1 : 0;
    if (result.resources.is_object() && result.resources.contains("dsp") &&
        result.resources["dsp"].is_number())
      row.dsp_used = result.resources["dsp"].get<double>();
  } catch (const InputError& e) {
    row.status = RowStatus::failed;
    row.reason = clip(e.what());
  } catch (const SimulationError& e) {
    row.status = RowStatus::failed;
    row.reason = clip(std::string("internal error: ") + e.what());
  }
  return row;
}

std::vector<ResultRow> Evaluator::evaluate_serial(std::span<const uint64_t> tasks) const {
  std::vector<ResultRow> rows;
  rows.reserve(tasks.size());
  std::optional<config::Resolved> cfg;
  std::string invalid;
  uint64_t cfg_point = ~uint64_t{0};
  for (uint64_t task : tasks) {
    const uint64_t point = space_.point_of(task);
    if (point != cfg_point) {  // tasks of one point are adjacent: resolve its config once
      cfg_point = point;
      cfg = resolve(point, invalid);
    }
    rows.push_back(run_task(task, cfg ? &*cfg : nullptr, invalid));
  }
  return rows;
}

std::vector<ResultRow> Evaluator::evaluate_forked(std::span<const uint64_t> tasks, int concurrency) const {
  std::vector<ResultRow> rows(tasks.size());
  struct Child {
    size_t index;
    int fd;
    std::string bytes;
  };
  std::map<pid_t, Child> running;
  size_t next = 0;
  auto finish = [&](pid_t pid, int status) {
    Child c = std::move(running.at(pid));
    running.erase(pid);
    // The child wrote its whole row before exiting; drain the pipe.
    char buf[4096];
    for (ssize_t n; (n = ::read(c.fd, buf, sizeof buf)) > 0;) c.bytes.append(buf, static_cast<size_t>(n));
    ::close(c.fd);
    size_t pos = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !c.bytes.empty()) {
      rows[c.index] = read_row(c.bytes, pos);
    } else {
      rows[c.index] = failed_row(
          tasks[c.index], WIFSIGNALED(status)
                              ? fmt::format("simulation process killed by signal {}", WTERMSIG(status))
                              : fmt::format("simulation process exited with status {}", WEXITSTATUS(status)));
    }
  };
  while (next < tasks.size() || !running.empty()) {
    while (next < tasks.size() && static_cast<int>(running.size()) < std::max(1, concurrency)) {
      int fds[2];
      if (::pipe(fds) != 0) throw SimulationError("sweep: pipe() failed");
      const pid_t parent = ::getpid();
      const pid_t pid = ::fork();
      if (pid < 0) throw SimulationError("sweep: fork() failed");
      if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(3);
        ::close(fds[0]);
        std::string bytes;
        try {
          append_bytes(evaluate_serial(tasks.subspan(next, 1)).front(), bytes);
        } catch (...) {
          ::_exit(4);
        }
        for (size_t off = 0; off < bytes.size();) {
          ssize_t n = ::write(fds[1], bytes.data() + off, bytes.size() - off);
          if (n <= 0) ::_exit(5);
          off += static_cast<size_t>(n);
        }
        ::_exit(0);  // no destructors, no atexit handlers: the parent owns every resource
      }
      ::close(fds[1]);
      running.emplace(pid, Child{next, fds[0], {}});
      ++next;
    }
    // Read while waiting so a child never blocks on a full pipe.
    std::vector<pollfd> fds;
    std::vector<pid_t> pids;
    for (auto& [pid, c] : running) {
      fds.push_back({c.fd, POLLIN, 0});
      pids.push_back(pid);
    }
    ::poll(fds.data(), fds.size(), 50);
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
      Child& c = running.at(pids[i]);
      char buf[4096];
      ssize_t n = ::read(c.fd, buf, sizeof buf);
      if (n > 0) c.bytes.append(buf, static_cast<size_t>(n));
      if (n == 0) {
        int status = 0;
        ::waitpid(pids[i], &status, 0);
        finish(pids[i], status);
      }
    }
  }
  return rows;
}

std::vector<ResultRow> Evaluator::evaluate(std::span<const uint64_t> tasks, int threads) const {
  if (spec_.fidelity == arch::Fidelity::cycle) return evaluate_forked(tasks, threads);
  if (threads <= 1 || tasks.size() < 2) return evaluate_serial(tasks);
  std::vector<ResultRow> rows(tasks.size());
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, tasks.size()), [&](const tbb::blocked_range<size_t>& r) {
      auto part = evaluate_serial(tasks.subspan(r.begin(), r.size()));
      for (size_t i = 0; i < part.size(); ++i) rows[r.begin() + i] = std::move(part[i]);
    });
  });
  return rows;
}

}  // namespace orrery::sim::sweep
