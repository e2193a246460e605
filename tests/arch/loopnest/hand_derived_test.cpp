// Tiny conv1d cases worked on paper: the expected numbers come from the derivations in the
// comments, not from running the model.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "arch/loopnest/model.hpp"
#include "arch/loopnest/timeloop_inputs.hpp"
#include "arch/loopnest/timeloop_mapping_reader.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"

namespace orrery::arch::loopnest {
namespace {

// conv1d: Weights[R], Inputs[Wstride*P + Wdilation*R], Outputs[P] (read-write).
Problem conv1d(int64_t r, int64_t p, int64_t stride = 1, int64_t dilation = 1) {
  return parse_timeloop_problem(fmt::format(R"(
problem:
  shape:
    name: conv1d
    dimensions: [R, P]
    coefficients: [{{name: Wstride, default: 1}}, {{name: Wdilation, default: 1}}]
    data_spaces:
    - {{name: Weights, projection: [[[R]]]}}
    - {{name: Inputs, projection: [[[R, Wdilation], [P, Wstride]]]}}
    - {{name: Outputs, projection: [[[P]]], read_write: true}}
  instance: {{R: {}, P: {}, Wstride: {}, Wdilation: {}}}
)",
                                            r, p, stride, dilation),
                                "conv1d");
}

StorageLevelSpec level(const std::string& name, std::optional<int64_t> depth, double read, double write,
                       double update) {
  StorageLevelSpec l;
  l.name = name;
  l.depth = depth;
  l.energy = {read, write, update, 0.0};
  return l;
}

// Buffer only (it is the backing store), R=3, P=4, loops "for P in 4: for R in 3".
//   computes = 12, one MAC -> 12 cycles.
//   Weights: every MAC reads one weight -> 12 reads; no fills (outermost).
//   Inputs:  12 reads.
//   Outputs: 12 updates; the first update of each of the 4 outputs reads nothing -> 8 reads,
//            8 temporal reductions. Capacity used 3 + 6 + 4 = 13 words.
//   Energy (read 1, write 2, update 3 pJ; MAC 0.5 pJ): 12 + 12 + (8*1 + 12*3) + 12*0.5 = 74 pJ.
TEST(LoopNestHandDerived, OneLevelConv1d) {
  LoopNestSpec spec;
  spec.levels = {level("Buffer", 64, 1.0, 2.0, 3.0)};
  spec.arithmetic.compute_energy_pj = 0.5;
  const Problem prob = conv1d(3, 4);
  const Mapping m = parse_timeloop_mapping(
      "mapping: [{target: Buffer, type: temporal, factors: R=3 P=4, permutation: RP}]", "m", spec, prob);
  const auto st = std::get<LoopNestStats>(LoopNestModel(spec, prob).evaluate(m));
  EXPECT_EQ(st.computes, 12);
  EXPECT_EQ(st.cycles, 12);
  const auto& w = st.levels[0].data_spaces[0];
  const auto& in = st.levels[0].data_spaces[1];
  const auto& out = st.levels[0].data_spaces[2];
  EXPECT_EQ(w.utilized_capacity + in.utilized_capacity + out.utilized_capacity, 13);
  EXPECT_EQ(w.reads, 12);
  EXPECT_EQ(w.fills, 0);
  EXPECT_EQ(in.reads, 12);
  EXPECT_EQ(out.updates, 12);
  EXPECT_EQ(out.reads, 8);
  EXPECT_EQ(out.temporal_reductions, 8);
  EXPECT_DOUBLE_EQ(st.energy_pj, 74.0);
}

// MainMemory over Buffer, R=3, P=4. Buffer loops "for P in 2: for R in 3", MainMemory "for P in 2".
//   Buffer tile: Weights 3, Inputs (2-1)+(3-1)+1 = 4, Outputs 2.
//   Weights: no loop above the Buffer touches R -> filled once: 3 fills; 12 reads (one per MAC).
//   Inputs: the loop above (P) moves the window by 2 of its 4 points -> 2 new points per step:
//           fills 4 + (2-1)*2 = 6 (each input once); 12 reads.
//   Outputs: P moves the 2-point tile by 2 -> 2 + 2 = 4 points pass through; all are first
//           touches (partition 4) -> 0 fills; 12 updates, 12 - 4 = 8 reads.
//   MainMemory: Weights reads 3 (Buffer fills), Inputs reads 6, Outputs updates 4 (drained
//           tiles), reads 4 - 4 = 0.
TEST(LoopNestHandDerived, TwoLevelConv1dSlidingWindow) {
  LoopNestSpec spec;
  spec.levels = {level("Buffer", 16, 1, 1, 1), level("MainMemory", std::nullopt, 10, 10, 10)};
  const Problem prob = conv1d(3, 4);
  const Mapping m = parse_timeloop_mapping(R"(
mapping:
- {target: MainMemory, type: temporal, factors: R=1 P=2, permutation: PR}
- {target: Buffer, type: temporal, factors: R=3 P=2, permutation: RP}
)",
                                           "m", spec, prob);
  const auto st = std::get<LoopNestStats>(LoopNestModel(spec, prob).evaluate(m));
  EXPECT_EQ(st.cycles, 12);
  const auto& buf = st.levels[0].data_spaces;
  const auto& mem = st.levels[1].data_spaces;
  EXPECT_EQ(buf[0].utilized_capacity, 3);
  EXPECT_EQ(buf[1].utilized_capacity, 4);
  EXPECT_EQ(buf[2].utilized_capacity, 2);
  EXPECT_EQ(buf[0].fills, 3);
  EXPECT_EQ(buf[0].reads, 12);
  EXPECT_EQ(buf[1].fills, 6);
  EXPECT_EQ(buf[1].reads, 12);
  EXPECT_EQ(buf[2].fills, 0);
  EXPECT_EQ(buf[2].updates, 12);
  EXPECT_EQ(buf[2].reads, 8);
  EXPECT_EQ(mem[0].reads, 3);
  EXPECT_EQ(mem[1].reads, 6);
  EXPECT_EQ(mem[2].updates, 4);
  EXPECT_EQ(mem[2].reads, 0);
}

// Strided and dilated footprints: Inputs over the whole R=3, P=4 box span
//   (P-1)*stride + (R-1)*dilation + 1: stride 2 -> 3*2 + 2 + 1 = 9; dilation 2 -> 3 + 4 + 1 = 8.
// Sliding with stride 2 (Buffer tile P=2: (2-1)*2 + 2 + 1 = 5 points; the P loop above moves it
// by 2*2 = 4, so 1 point stays): fills 5 + 4 = 9, each input once.
TEST(LoopNestHandDerived, StridedAndDilatedFootprints) {
  LoopNestSpec one;
  one.levels = {level("Buffer", 64, 1, 1, 1)};
  const char* whole = "mapping: [{target: Buffer, type: temporal, factors: R=3 P=4}]";
  for (auto [stride, dilation, expected] : {std::tuple{2, 1, 9}, std::tuple{1, 2, 8}, std::tuple{2, 2, 11}}) {
    const Problem prob = conv1d(3, 4, stride, dilation);
    const auto st = std::get<LoopNestStats>(
        LoopNestModel(one, prob).evaluate(parse_timeloop_mapping(whole, "m", one, prob)));
    EXPECT_EQ(st.levels[0].data_spaces[1].utilized_capacity, expected) << stride << " " << dilation;
  }
  LoopNestSpec two;
  two.levels = {level("Buffer", 64, 1, 1, 1), level("MainMemory", std::nullopt, 1, 1, 1)};
  const Problem prob = conv1d(3, 4, 2, 1);
  const Mapping m = parse_timeloop_mapping(R"(
mapping:
- {target: MainMemory, type: temporal, factors: P=2}
- {target: Buffer, type: temporal, factors: R=3 P=2}
)",
                                           "m", two, prob);
  const auto st = std::get<LoopNestStats>(LoopNestModel(two, prob).evaluate(m));
  EXPECT_EQ(st.levels[0].data_spaces[1].utilized_capacity, 5);
  EXPECT_EQ(st.levels[0].data_spaces[1].fills, 9);
}

// Spatial fan-out: Buffer feeds 4 MACs, spatial P=4 under it. Weights are the same for all four
// MACs (P is irrelevant to them): one read serves all (multicast) -> reads = temporal iterations
// (3); Outputs are distinct per MAC: updates = 3 * 4 = 12.
TEST(LoopNestHandDerived, SpatialMulticastAndDistinctUpdates) {
  LoopNestSpec spec;
  spec.levels = {level("Buffer", 64, 1, 1, 1)};
  spec.arithmetic.instances = spec.arithmetic.mesh_x = 4;
  const Problem prob = conv1d(3, 4);
  const Mapping m = parse_timeloop_mapping(R"(
mapping:
- {target: Buffer, type: temporal, factors: R=3 P=1}
- {target: Buffer, type: spatial, factors: P=4}
)",
                                           "m", spec, prob);
  const auto st = std::get<LoopNestStats>(LoopNestModel(spec, prob).evaluate(m));
  EXPECT_EQ(st.cycles, 3);
  EXPECT_EQ(st.utilized_mac_instances, 4);
  EXPECT_EQ(st.levels[0].data_spaces[0].reads, 3);
  EXPECT_EQ(st.levels[0].data_spaces[0].multicast_factor, 4);
  EXPECT_EQ(st.levels[0].data_spaces[0].scatter_factor, 1);
  EXPECT_EQ(st.levels[0].data_spaces[2].multicast_factor, 1);
  EXPECT_EQ(st.levels[0].data_spaces[2].scatter_factor, 4);
  EXPECT_EQ(st.levels[0].data_spaces[1].reads, 12);
  EXPECT_EQ(st.levels[0].data_spaces[2].updates, 12);
  EXPECT_EQ(st.levels[0].data_spaces[2].reads, 8);
}

// A 4-wide vector MAC does the 12 MACs of the 1-level case in ceil(12 / 4) = 3 cycles; the
// operand traffic is unchanged (12 weight reads) and the utilization is 12 / (4 x 3) = 100 %.
TEST(LoopNestHandDerived, VectorMacDividesComputeCycles) {
  LoopNestSpec spec;
  spec.levels = {level("Buffer", 64, 1.0, 2.0, 3.0)};
  spec.arithmetic.macs_per_instance = 4;
  const Problem prob = conv1d(3, 4);
  const Mapping m = parse_timeloop_mapping(
      "mapping: [{target: Buffer, type: temporal, factors: R=3 P=4, permutation: RP}]", "m", spec, prob);
  const auto st = std::get<LoopNestStats>(LoopNestModel(spec, prob).evaluate(m));
  EXPECT_EQ(st.cycles, 3);
  EXPECT_EQ(st.levels[0].data_spaces[0].reads, 12);
  EXPECT_DOUBLE_EQ(st.utilization_fraction, 1.0);
}

// One call reads what timeloop-model reads; exercise 00 gives 48 cycles (3 x 16 MACs on one MAC).
TEST(LoopNestInputs, OneCallReadsArchitectureProblemMappingAndErt) {
  const std::string dir =
      std::string(ORRERY_SOURCE_DIR) + "/tests/data/loopnest/timeloop/00-model-conv1d-1level/";
  const TimeloopModelInputs in = read_timeloop_model_inputs(
      dir + "arch/1level.arch.yaml", dir + "prob/conv1d.prob.yaml", dir + "map/conv1d-1level.map.yaml",
      dir + "ref-output/timeloop-model.ERT.yaml");
  const auto st = std::get<LoopNestStats>(LoopNestModel(in.spec, in.problem).evaluate(in.mapping));
  EXPECT_EQ(st.cycles, 48);
  EXPECT_DOUBLE_EQ(in.spec.arithmetic.compute_energy_pj, 0.845);
  EXPECT_DOUBLE_EQ(in.spec.cycle_seconds, 1e-9);
}

}  // namespace
}  // namespace orrery::arch::loopnest
