#pragma once
// The PE-level testbench: a clock, an R×C PeArray and a driver process that replays jobs
// (plans) one after another, collects the outputs leaving the bottom edge, accumulates them
// into each job's result (the partial sums of K folds add up here, outside the array) and
// records the cycle of every fold's bounding events.
//
// SystemC elaborates once per process: construct one PeSystem, call run() once.
#include <string>
#include <systemc>
#include <vector>

#include "arch/systolic/pe/array.hpp"
#include "arch/systolic/pe/driver.hpp"
#include "arch/systolic/pe/job_result.hpp"
#include "arch/systolic/pe/plan.hpp"

namespace orrery::arch::systolic::pe {

template <class In, class Acc>
class PeSystem final : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(PeSystem);
  PeSystem(const sc_core::sc_module_name& name, int rows, int cols);

  ArrayDims dims() const { return {array_.rows(), array_.cols()}; }

  // Runs the jobs in order (sc_start, once per process). Throws SimulationError if an output
  // does not match its plan or a job does not finish.
  std::vector<JobResult<Acc>> run(std::vector<Plan<In>> plans);

 private:
  void drive();
  int64_t now_cycle() const;
  void wait_cycle() { wait(clock_.posedge_event()); }
  void run_job(const Plan<In>& plan, JobResult<Acc>& out);
  void idle(int cycles);  // bubbles in; throws if anything comes out

  sc_core::sc_time period_;
  sc_core::sc_clock clock_;
  PeArray<In, Acc> array_;
  std::vector<Plan<In>> plans_;
  std::vector<JobResult<Acc>> results_;
  std::vector<bool> edge_parity_;  // parity of the last word sent on each west edge
  int32_t next_fold_id_ = 0;       // global fold ids (MAC log, parity) across jobs
  std::string error_;
  bool ran_ = false;
};

extern template class PeSystem<int8_t, int32_t>;
extern template class PeSystem<float, float>;

}  // namespace orrery::arch::systolic::pe
