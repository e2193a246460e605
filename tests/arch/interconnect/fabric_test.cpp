// The SystemC model of devices and links: the same times as the analytical model where no two
// messages meet on a link, and contention where they do (hand-derived).
#include <gtest/gtest.h>

#include "arch/interconnect/plan_timing.hpp"
#include "arch/interconnect/sc/run_program.hpp"
#include "arch/registry.hpp"
#include "tests/arch/interconnect/test_fabrics.hpp"

namespace orrery::arch::interconnect {
namespace {

// SystemC's time resolution is 1 ps; each event of a chain may round by half of it.
constexpr double kTick = 1e-12;

Task collective(CollectiveKind k, double bytes, std::vector<int64_t> group, int stream,
                std::vector<size_t> deps = {}) {
  return Task{.name = std::string(1, 'm'),
              .stream = stream,
              .is_collective = true,
              .collective = {k, bytes, std::move(group)},
              .deps = std::move(deps)};
}

Task compute(int64_t device, double s, std::vector<size_t> deps = {}) {
  return Task{.name = std::string(1, 'c'), .device = device, .seconds = s, .deps = std::move(deps)};
}

// Ring, hierarchical and tree all-reduces, all-gather, broadcast on the shipped H100 node (and
// two nodes): every message has its links to itself, so the fidelities agree.
TEST(Fabric, AgreesWithAnalyticalWithoutContention) {
  const config::Resolved cfg =
      load_arch(std::string(ORRERY_SOURCE_DIR) + "/configs/gpu/h100_sxm.yaml", {{"interconnect.nodes", "2"}});
  const Topology topo(read_spec(cfg));
  Program p;
  p.devices = topo.devices();
  std::vector<int64_t> node0 = {0, 1, 2, 3, 4, 5, 6, 7}, all;
  for (int64_t d = 0; d < 16; ++d) all.push_back(d);
  const size_t a = p.add(collective(CollectiveKind::all_reduce, 1 << 30, node0, 0));
  const size_t b = p.add(collective(CollectiveKind::all_reduce, 64e6, all, 0, {a}));
  const size_t c = p.add(collective(CollectiveKind::all_gather, 8e6, node0, 0, {b}));
  const size_t d = p.add(collective(CollectiveKind::broadcast, 3e6, {8, 9, 10}, 0, {b}));
  const size_t e = p.add(compute(3, 1e-4, {c}));
  const ProgramResult an = run_analytical(p, topo);
  const auto sc = sc::run_program(p, topo);
  for (size_t i : {a, b, c, d, e}) {
    EXPECT_NEAR(sc.program.tasks[i].start_s, an.tasks[i].start_s, 200 * kTick) << i;
    EXPECT_NEAR(sc.program.tasks[i].end_s, an.tasks[i].end_s, 200 * kTick) << i;
  }
  EXPECT_GT(an.tasks[b].end_s - an.tasks[b].start_s, 0);
  // GPU 0's NVLink port carried what the plans moved through it: 14 steps of 1 GiB / 8 (a), the
  // intra-node reduce-scatter and all-gather of b (14 steps of 64 MB / 8), 7 steps of 8 MB / 8 (c).
  EXPECT_NEAR(sc.links[0].bytes, 14.0 / 8 * (1 << 30) + 14 * 8e6 + 7 * 1e6, 1e3);
}

TEST(Fabric, TreeAgreesWithAnalyticalWhereSharersMoveTogether) {
  auto spec = test::switched(1, 4);
  spec.chunk_bytes = 1LL << 30;
  const Topology topo(spec);
  Program p;
  p.devices = 4;
  p.add(collective(CollectiveKind::all_reduce, 100e6, {0, 1, 2, 3}, 0));
  auto tree = topo.spec();
  tree.algorithm = Algorithm::tree;
  const Topology tree_topo(tree);
  const auto sc = sc::run_program(p, tree_topo);
  // The hand-derived double-binary-tree time (collective_test): 4 us + 3 S/B.
  EXPECT_NEAR(sc.program.makespan_s, 4e-6 + 3 * 100e6 / 100e9, 10 * kTick);
}

// Two sends into device 1 at once share its switch port: 100 GB/s each get half. Sizes S and 2S
// (S = 100 MB): the first drains at 2S/B = 2 ms, the second has S left then and drains it alone
// by 3 ms; each arrives 1 us later. Alone each would take S/B and 2S/B.
TEST(Fabric, ContentionOnASharedPortHandDerived) {
  const Topology topo(test::switched(1, 3));
  Program p;
  p.devices = 3;
  const size_t x = p.add(collective(CollectiveKind::send_recv, 100e6, {0, 1}, 1));
  const size_t y = p.add(collective(CollectiveKind::send_recv, 200e6, {2, 1}, 2));
  const auto sc = sc::run_program(p, topo);
  EXPECT_NEAR(sc.program.tasks[x].end_s, 2e-3 + 1e-6, 10 * kTick);
  EXPECT_NEAR(sc.program.tasks[y].end_s, 3e-3 + 1e-6, 10 * kTick);
  // The shared port (device 1's down link) was busy 3 ms and carried 300 MB.
  EXPECT_NEAR(sc.links[1 * 4 + 1].bytes, 300e6, 1);
}

// Two all-reduces over the same pair at once (a tensor-parallel and a data-parallel one on the
// same GPUs): every step of each shares both ports with the other, so each of the 2 steps of
// S/2 takes 1 us + (S/2)/(B/2): 2 us + 2 S/B for both, against 2 us + S/B alone.
TEST(Fabric, TwoCollectivesSharingLinksHandDerived) {
  const Topology topo(test::switched(1, 2));
  Program p;
  p.devices = 2;
  const size_t x = p.add(collective(CollectiveKind::all_reduce, 100e6, {0, 1}, 1));
  const size_t y = p.add(collective(CollectiveKind::all_reduce, 100e6, {0, 1}, 2));
  const auto sc = sc::run_program(p, topo);
  EXPECT_NEAR(sc.program.tasks[x].end_s, 2e-6 + 2e-3, 10 * kTick);
  EXPECT_NEAR(sc.program.tasks[y].end_s, 2e-6 + 2e-3, 10 * kTick);
  Program alone;
  alone.devices = 2;
  alone.add(collective(CollectiveKind::all_reduce, 100e6, {0, 1}, 1));
  EXPECT_NEAR(sc::run_program(alone, topo).program.makespan_s, 2e-6 + 1e-3, 10 * kTick);
}

}  // namespace
}  // namespace orrery::arch::interconnect
