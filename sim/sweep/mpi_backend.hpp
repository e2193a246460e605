#pragma once
// Sweeps across machines: `mpirun -n N orrery sweep SPEC.yaml` (Boost.MPI over OpenMPI). Rank 0
// is the coordinator (hands out batches, writes the database); ranks 1..N-1 simulate, each on
// its own TBB threads (analytical) or forked children (cycle). MPI is initialized only when
// the process was launched by mpirun/srun (OMPI_COMM_WORLD_SIZE or PMI_SIZE in the
// environment), so plain runs of the same binary never touch MPI.
#include <memory>

#include "sim/sweep/backend.hpp"
#include "sim/sweep/evaluator.hpp"

namespace orrery::sim::sweep {

// The world size announced by the launcher, or 0 when not launched under MPI.
int mpi_launch_size();

// Owns MPI for the duration of a sweep command (MPI_Init / MPI_Finalize).
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const;
  int size() const;
  // Ranks > 0: serve batches from rank 0 until told to stop. `threads` per rank.
  void serve(const Evaluator& evaluator, int threads);
  // Rank 0: a Backend over the other ranks. Its destructor stops them.
  std::unique_ptr<Backend> coordinator();
  // Rank 0 on an early error: tell the other ranks to stop without work.
  void stop_workers();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orrery::sim::sweep
