#include "arch/isolated_run.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <systemc>

namespace orrery::arch {
namespace {

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

// Child protocol: int64 status (0 ok, 1 error), int64 length, then the result or the message.
void answer(int fd, int64_t status, const std::string& payload) {
  const int64_t len = static_cast<int64_t>(payload.size());
  if (write_all(fd, &status, sizeof status) && write_all(fd, &len, sizeof len))
    write_all(fd, payload.data(), payload.size());
}

}  // namespace

std::string run_in_child(std::string_view what, const std::function<std::string()>& body) {
  // A process that has elaborated once cannot elaborate again, and neither can a child forked
  // from it, so the parent must never have elaborated.
  if (sc_core::sc_start_of_simulation_invoked())
    throw SimulationError(std::string(what) + ": this process already elaborated SystemC itself");
  int fds[2];
  if (::pipe(fds) != 0) throw SimulationError(std::string(what) + ": pipe() failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw SimulationError(std::string(what) + ": fork() failed");
  if (pid == 0) {
    ::close(fds[0]);
    try {
      answer(fds[1], 0, body());
    } catch (const std::exception& e) {
      answer(fds[1], 1, e.what());
    }
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  int64_t status = -1, len = 0;
  std::string payload;
  bool ok = read_all(fds[0], &status, sizeof status) && read_all(fds[0], &len, sizeof len) && len >= 0;
  if (ok) {
    payload.resize(static_cast<size_t>(len));
    ok = read_all(fds[0], payload.data(), payload.size());
  }
  ::close(fds[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (!ok) {
    const std::string how = WIFSIGNALED(wstatus) ? " (signal " + std::to_string(WTERMSIG(wstatus)) + ")" : "";
    throw SimulationError(std::string(what) + ": the child simulation died" + how);
  }
  if (status != 0) throw SimulationError(std::string(what) + ": " + payload);
  return payload;
}

}  // namespace orrery::arch
