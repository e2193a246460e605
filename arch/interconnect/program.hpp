#pragma once
// One step of a multi-device run as a program of tasks: compute on one device (a duration from
// the family's model of the per-device graph) and collectives over a group of devices (timed on
// the interconnect). A task starts when its dependencies have finished and when the task before
// it on each of its streams has finished: every device runs the tasks of one stream in program
// order (stream 0 is the compute stream; a collective on stream 0 blocks compute, as Megatron's
// tensor-parallel all-reduce does; other streams overlap with compute, as DDP's gradient
// buckets do). A task on stream -1 is ordered by its dependencies only (pipeline send/recv: an
// isend on one device and the matching irecv on another, in no common queue).
//
// Two executors: run_analytical (here) and the SystemC model (sc/run_program.hpp), which runs
// devices and links as modules. They agree where no two transfers meet on a link.
#include <cstdint>
#include <string>
#include <vector>

#include "arch/interconnect/collective.hpp"
#include "arch/interconnect/topology.hpp"

namespace orrery::arch::interconnect {

struct Task {
  std::string name;
  std::string category;  // "forward", "backward", "optimizer", "tp", "pp", "dp" ... (for reports)
  int stream = 0;
  int64_t device = 0;  // compute tasks
  double seconds = 0;  // compute tasks
  bool is_collective = false;
  Collective collective;  // collective tasks (group = participating devices)
  std::vector<size_t> deps;

  std::vector<int64_t> devices() const;  // {device}, or the collective's group
};

struct Program {
  int64_t devices = 1;
  std::vector<Task> tasks;  // dependencies point to earlier tasks

  size_t add(Task t);  // returns the index; checks deps < index and devices in range
};

// Each task's dependencies plus the task before it on each (device, stream) it uses.
std::vector<std::vector<size_t>> effective_deps(const Program& p);

struct TaskTime {
  double start_s = 0, end_s = 0;
};

// Per device: busy compute time, communication time hidden under compute and not hidden, and
// idle time (step time minus all of those: pipeline bubbles, waiting for other devices).
struct DeviceTime {
  double compute_s = 0;
  double comm_overlapped_s = 0;
  double comm_exposed_s = 0;
  double idle_s = 0;
};

struct ProgramResult {
  std::vector<TaskTime> tasks;
  double makespan_s = 0;
  std::vector<DeviceTime> devices;
};

// Fills `devices` from `tasks` (interval unions per device).
void account_devices(const Program& p, ProgramResult& r);

// Analytical executor: tasks in program order; a collective shares each link it uses with the
// collectives scheduled before it that are still running when it starts.
ProgramResult run_analytical(const Program& p, const Topology& topo);

}  // namespace orrery::arch::interconnect
