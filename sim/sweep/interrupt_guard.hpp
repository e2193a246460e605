#pragma once
// Turns SIGINT and SIGTERM into a readable file descriptor for the lifetime of the guard, so
// the sweep coordinator can stop cleanly (commit, report, exit 130) without a global flag.
// Forked workers inherit the blocked mask and leave the signal to the coordinator.
#include <signal.h>

namespace orrery::sim::sweep {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  int fd() const { return fd_; }

 private:
  sigset_t old_mask_;
  int fd_ = -1;
};

}  // namespace orrery::sim::sweep
