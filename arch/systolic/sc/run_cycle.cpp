#include "arch/systolic/sc/run_cycle.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "arch/systolic/sc/controller.hpp"
#include "common/error.hpp"

namespace orrery::arch::systolic {
namespace {

std::vector<LayerCounts> run_here(const std::vector<mappers::systolic::SystolicMapping>& mappings,
                                  const SystolicSpec& spec) {
  sc::Controller top("systolic", mappings, spec);
  sc_core::sc_start();
  if (top.results().size() != mappings.size())
    throw SimulationError("systolic cycle model: the controller stopped before the last layer");
  return top.results();
}

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// Child protocol: int64 status (0 ok, 1 error); ok: the counts; error: int64 length + message.
std::vector<LayerCounts> run_forked(const std::vector<mappers::systolic::SystolicMapping>& mappings,
                                    const SystolicSpec& spec) {
  int fds[2];
  if (::pipe(fds) != 0) throw SimulationError("systolic cycle model: pipe() failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw SimulationError("systolic cycle model: fork() failed");
  if (pid == 0) {
    ::close(fds[0]);
    int64_t status = 0;
    try {
      const auto counts = run_here(mappings, spec);
      write_all(fds[1], &status, sizeof status);
      write_all(fds[1], counts.data(), counts.size() * sizeof(LayerCounts));
    } catch (const std::exception& e) {
      status = 1;
      const int64_t len = static_cast<int64_t>(std::strlen(e.what()));
      write_all(fds[1], &status, sizeof status);
      write_all(fds[1], &len, sizeof len);
      write_all(fds[1], e.what(), static_cast<size_t>(len));
    }
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  int64_t status = -1;
  std::vector<LayerCounts> counts(mappings.size());
  std::string message;
  bool ok = read_all(fds[0], &status, sizeof status);
  if (ok && status == 0) {
    ok = read_all(fds[0], counts.data(), counts.size() * sizeof(LayerCounts));
  } else if (ok && status == 1) {
    int64_t len = 0;
    ok = read_all(fds[0], &len, sizeof len);
    message.resize(static_cast<size_t>(len));
    ok = ok && read_all(fds[0], message.data(), message.size());
  }
  ::close(fds[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (!ok) throw SimulationError("systolic cycle model: the child simulation died");
  if (status == 1) throw SimulationError("systolic cycle model: " + message);
  return counts;
}

}  // namespace

std::vector<LayerCounts> run_cycle(const std::vector<mappers::systolic::SystolicMapping>& mappings,
                                   const SystolicSpec& spec) {
  // Always in a child: a process that has elaborated once cannot elaborate again, and neither
  // can a child forked from it, so the parent never elaborates.
  if (sc_core::sc_start_of_simulation_invoked())
    throw SimulationError("systolic cycle model: this process already elaborated SystemC itself");
  return run_forked(mappings, spec);
}

}  // namespace orrery::arch::systolic
