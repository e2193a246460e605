// The task-program executor (analytical): stream order, dependencies, and the per-device
// accounting of compute, exposed and overlapped communication and idle time, hand-derived.
#include "arch/interconnect/program.hpp"

#include <gtest/gtest.h>

#include "tests/arch/interconnect/test_fabrics.hpp"

namespace orrery::arch::interconnect {
namespace {

Task compute(int64_t device, double s, std::vector<size_t> deps = {}) {
  return Task{.name = std::string(1, 'c'), .device = device, .seconds = s, .deps = std::move(deps)};
}

Task collective(CollectiveKind k, double bytes, std::vector<int64_t> group, int stream,
                std::vector<size_t> deps = {}) {
  return Task{.name = std::string(1, 'm'),
              .stream = stream,
              .is_collective = true,
              .collective = {k, bytes, std::move(group)},
              .deps = std::move(deps)};
}

// Device 0 computes 1 ms, then an all-reduce over {0, 1} on a side stream (200 MB at 100 GB/s,
// 1 us per step, 2 steps of 100 MB: 2.002 ms) overlaps with 1.5 ms more compute on device 0;
// device 1 computes 0.5 ms first. The collective starts when both devices' stream is free and
// its dependency (device 0's first task) is done: at 1 ms.
TEST(Program, OverlapAndExposureHandDerived) {
  const Topology topo(test::switched(1, 2));
  Program p;
  p.devices = 2;
  const size_t a = p.add(compute(0, 1e-3));
  p.add(compute(1, 0.5e-3));
  const size_t m = p.add(collective(CollectiveKind::all_reduce, 200e6, {0, 1}, 1, {a}));
  p.add(compute(0, 1.5e-3));
  const ProgramResult r = run_analytical(p, topo);
  EXPECT_NEAR(r.tasks[m].start_s, 1e-3, 1e-15);
  EXPECT_NEAR(r.tasks[m].end_s, 1e-3 + 2 * (1e-6 + 1e-3), 1e-12);
  EXPECT_NEAR(r.makespan_s, 3.002e-3, 1e-12);
  // Device 0: 2.5 ms compute; the collective's 2.002 ms overlap 1.5 ms of it, 0.502 ms exposed.
  EXPECT_NEAR(r.devices[0].compute_s, 2.5e-3, 1e-12);
  EXPECT_NEAR(r.devices[0].comm_overlapped_s, 1.5e-3, 1e-12);
  EXPECT_NEAR(r.devices[0].comm_exposed_s, 0.502e-3, 1e-12);
  EXPECT_NEAR(r.devices[0].idle_s, 0, 1e-12);
  // Device 1: 0.5 ms compute, idle 0.5-1 ms, the collective exposed 1-3.002 ms.
  EXPECT_NEAR(r.devices[1].comm_exposed_s, 2.002e-3, 1e-12);
  EXPECT_NEAR(r.devices[1].idle_s, 0.5e-3, 1e-12);
}

// Tasks of one (device, stream) run in program order even without explicit dependencies; a
// collective on the compute stream blocks the compute after it.
TEST(Program, StreamOrder) {
  const Topology topo(test::switched(1, 2));
  Program p;
  p.devices = 2;
  p.add(compute(0, 1e-3));
  const size_t m = p.add(collective(CollectiveKind::send_recv, 100e6, {0, 1}, 0));
  const size_t after = p.add(compute(0, 1e-3));
  const ProgramResult r = run_analytical(p, topo);
  EXPECT_NEAR(r.tasks[m].start_s, 1e-3, 1e-15);
  EXPECT_NEAR(r.tasks[after].start_s, 1e-3 + 1e-6 + 1e-3, 1e-12);
}

// Analytical contention: a collective that starts while another one holds a link shares it
// (half the rate on the shared port); the earlier one keeps its time (an approximation the
// SystemC model does not make, see fabric_test).
TEST(Program, LaterCollectiveSharesBusyLinks) {
  const Topology topo(test::switched(1, 3));
  Program p;
  p.devices = 3;
  const size_t first = p.add(collective(CollectiveKind::send_recv, 100e6, {0, 1}, 1));
  const size_t second = p.add(collective(CollectiveKind::send_recv, 100e6, {2, 1}, 2));
  const ProgramResult r = run_analytical(p, topo);
  EXPECT_NEAR(r.tasks[first].end_s, 1e-6 + 1e-3, 1e-12);
  EXPECT_NEAR(r.tasks[second].end_s, 1e-6 + 2e-3, 1e-12);
}

}  // namespace
}  // namespace orrery::arch::interconnect
