#include "sim/sweep/process_pool.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "sim/sweep/frame_io.hpp"

namespace orrery::sim::sweep {
namespace {

std::string encode_tasks(const std::vector<uint64_t>& tasks) {
  return std::string(reinterpret_cast<const char*>(tasks.data()), tasks.size() * sizeof(uint64_t));
}

std::vector<uint64_t> decode_tasks(const std::string& bytes) {
  std::vector<uint64_t> tasks(bytes.size() / sizeof(uint64_t));
  if (!tasks.empty()) std::memcpy(tasks.data(), bytes.data(), tasks.size() * sizeof(uint64_t));  // never null
  return tasks;
}

}  // namespace

ProcessPool::ProcessPool(const Evaluator& evaluator, int jobs, int interrupt_fd)
    : evaluator_(evaluator), interrupt_fd_(interrupt_fd), workers_(static_cast<size_t>(std::max(1, jobs))) {
  for (auto& w : workers_) spawn(w);
}

ProcessPool::~ProcessPool() {
  for (auto& w : workers_) {
    if (w.pid > 0 && !w.batch.empty()) ::kill(w.pid, SIGKILL);  // abandoned (interrupted) batch
    reap(w);
  }
}

void ProcessPool::reap(Worker& w) {
  if (w.to_fd >= 0) ::close(w.to_fd);
  if (w.from_fd >= 0) ::close(w.from_fd);
  w.to_fd = w.from_fd = -1;
  if (w.pid > 0) {
    int status = 0;
    ::waitpid(w.pid, &status, 0);  // idle workers exit at end of file on their pipe
  }
  w.pid = -1;
}

void ProcessPool::spawn(Worker& w) {
  int down[2], up[2];
  if (::pipe(down) != 0 || ::pipe(up) != 0) throw SimulationError("sweep: pipe() failed");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw SimulationError("sweep: fork() failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(3);
    ::close(down[1]);
    ::close(up[0]);
    for (const auto& other : workers_) {  // keep no other worker's pipe alive
      if (other.to_fd >= 0) ::close(other.to_fd);
      if (other.from_fd >= 0) ::close(other.from_fd);
    }
    if (interrupt_fd_ >= 0) ::close(interrupt_fd_);
    std::string request;
    while (read_frame(down[0], request)) {
      std::string reply;
      try {
        for (const auto& row : evaluator_.evaluate(decode_tasks(request))) append_bytes(row, reply);
      } catch (...) {
        ::_exit(4);
      }
      if (!write_frame(up[1], reply)) ::_exit(5);
    }
    ::_exit(0);  // no destructors: the coordinator owns the database and every other resource
  }
  ::close(down[0]);
  ::close(up[1]);
  w.pid = pid;
  w.to_fd = down[1];
  w.from_fd = up[0];
  w.batch.clear();
  w.inbox.clear();
}

void ProcessPool::submit(std::vector<uint64_t> tasks) {
  for (auto& w : workers_) {
    if (!w.batch.empty()) continue;
    w.batch = std::move(tasks);
    if (!write_frame(w.to_fd, encode_tasks(w.batch))) {
      // It died while idle; the next wait_any() reports its end of file and respawns it.
    }
    return;
  }
  throw SimulationError("sweep: submit() with no idle worker");
}

std::vector<ResultRow> ProcessPool::crashed(Worker& w, int status) {
  const std::string reason = WIFSIGNALED(status)
                                 ? fmt::format("worker process killed by signal {}", WTERMSIG(status))
                                 : fmt::format("worker process exited with status {}", WEXITSTATUS(status));
  std::vector<ResultRow> rows;
  for (uint64_t task : w.batch) rows.push_back(evaluator_.failed_row(task, reason));
  w.batch.clear();
  return rows;
}

std::optional<std::vector<ResultRow>> ProcessPool::wait_any() {
  while (true) {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (auto& w : workers_)
      if (!w.batch.empty()) {
        fds.push_back({w.from_fd, POLLIN, 0});
        owners.push_back(&w);
      }
    if (owners.empty()) throw SimulationError("sweep: wait_any() with nothing in flight");
    fds.push_back({interrupt_fd_, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw SimulationError("sweep: poll() failed");
    }
    if (interrupt_fd_ >= 0 && (fds.back().revents & POLLIN)) {
      signalfd_siginfo info;
      [[maybe_unused]] auto n = ::read(interrupt_fd_, &info, sizeof info);
      return std::nullopt;
    }
    for (size_t i = 0; i + 1 < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Worker& w = *owners[i];
      char buf[65536];
      ssize_t n = ::read(w.from_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        w.inbox.append(buf, static_cast<size_t>(n));
        std::string frame;
        if (!take_frame(w.inbox, frame)) continue;
        std::vector<ResultRow> rows;
        for (size_t pos = 0; pos < frame.size();) rows.push_back(read_row(frame, pos));
        if (rows.size() != w.batch.size())
          throw SimulationError("sweep: a worker returned the wrong number of rows");
        w.batch.clear();
        return rows;
      }
      // End of file: the worker died with a batch in flight. Record it and replace the worker.
      ::close(w.to_fd);
      ::close(w.from_fd);
      w.to_fd = w.from_fd = -1;
      int status = 0;
      ::waitpid(w.pid, &status, 0);
      w.pid = -1;
      auto rows = crashed(w, status);
      spawn(w);
      return rows;
    }
  }
}

}  // namespace orrery::sim::sweep
