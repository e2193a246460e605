#pragma once
// A pool of forked worker processes on this machine. Each worker inherits the Evaluator
// (spec, base config, loaded workloads) through fork, so only task numbers go down its pipe
// and only result rows come back. Workers die with the coordinator (PR_SET_PDEATHSIG), so a
// `kill -9` of the sweep leaves no orphans; a worker that dies mid-batch is replaced and its
// tasks are recorded as failed with the signal that killed it.
#include <sys/types.h>

#include <deque>
#include <map>

#include "sim/sweep/backend.hpp"
#include "sim/sweep/evaluator.hpp"

namespace orrery::sim::sweep {

class ProcessPool final : public Backend {
 public:
  // SIGINT and SIGTERM must already be blocked in the calling thread (see InterruptGuard).
  ProcessPool(const Evaluator& evaluator, int jobs, int interrupt_fd);
  ~ProcessPool() override;
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  int slots() const override { return static_cast<int>(workers_.size()); }
  void submit(std::vector<uint64_t> tasks) override;
  std::optional<std::vector<ResultRow>> wait_any() override;

 private:
  struct Worker {
    pid_t pid = -1;
    int to_fd = -1, from_fd = -1;
    std::vector<uint64_t> batch;  // in flight; empty when idle
    std::string inbox;            // bytes of the reply read so far
  };
  void spawn(Worker& w);
  void reap(Worker& w);
  std::vector<ResultRow> crashed(Worker& w, int status);

  const Evaluator& evaluator_;
  int interrupt_fd_;
  std::vector<Worker> workers_;
};

}  // namespace orrery::sim::sweep
