#include "sim/sweep/interrupt_guard.hpp"

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace orrery::sim::sweep {

InterruptGuard::InterruptGuard() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &mask, &old_mask_);
  fd_ = ::signalfd(-1, &mask, SFD_CLOEXEC);
}

InterruptGuard::~InterruptGuard() {
  if (fd_ >= 0) ::close(fd_);
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace orrery::sim::sweep
