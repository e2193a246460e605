#pragma once
// A random small case for property tests of the loop-nest model: a strided, dilated conv1d with
// channels (R, P, C, K) on a 3-level hierarchy (RF x4 under a GLB under DRAM) and a random
// mapping (each prime factor of each dimension to RF, GLB, GLB's spatial fan-out or DRAM; random
// permutations and keep/bypass below DRAM). The same seed gives the same sequence of cases.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "arch/loopnest/mapping.hpp"
#include "arch/loopnest/problem.hpp"
#include "arch/loopnest/spec.hpp"
#include "arch/loopnest/timeloop_problem_reader.hpp"

namespace orrery::arch::loopnest::test {

struct RandomConv1dCase {
  Problem prob;
  LoopNestSpec spec;
  Mapping m;
  int64_t stride = 1, dil = 1;
};

inline RandomConv1dCase random_conv1d_case(std::mt19937_64& rng) {
  const int64_t r = 1 + rng() % 3, pp = 1 + rng() % 6, c = 1 << (rng() % 3), k = 1 << (rng() % 3);
  const int64_t stride = 1 + rng() % 2, dil = 1 + rng() % 2;
  const Problem prob = parse_timeloop_problem(fmt::format(R"(
problem:
  shape:
    name: conv1d_ck
    dimensions: [R, P, C, K]
    coefficients: [{{name: Wstride, default: 1}}, {{name: Wdilation, default: 1}}]
    data_spaces:
    - {{name: Weights, projection: [[[K]], [[C]], [[R]]]}}
    - {{name: Inputs, projection: [[[C]], [[R, Wdilation], [P, Wstride]]]}}
    - {{name: Outputs, projection: [[[K]], [[P]]], read_write: true}}
  instance: {{R: {}, P: {}, C: {}, K: {}, Wstride: {}, Wdilation: {}}}
)",
                                                          r, pp, c, k, stride, dil),
                                              "random");
  LoopNestSpec spec;
  for (const char* n : {"RF", "GLB", "DRAM"}) {
    StorageLevelSpec l;
    l.name = n;
    spec.levels.push_back(l);
  }
  spec.levels[0].instances = spec.levels[0].mesh_x = 4;  // GLB fans out to 4 RFs
  spec.arithmetic.instances = spec.arithmetic.mesh_x = 4;
  Mapping m;
  for (int i = 0; i < 3; ++i) {
    LevelMapping lm = LevelMapping::unit(4);
    for (int s = 0; s < 3; ++s) lm.keep[s] = (i == 2) || rng() % 3 != 0;
    std::vector<int8_t> perm = {0, 1, 2, 3};
    std::shuffle(perm.begin(), perm.end(), rng);
    for (int q = 0; q < 4; ++q) lm.permutation[q] = perm[q];
    m.levels.push_back(lm);
  }
  int64_t fan = 1;
  for (int d = 0; d < 4; ++d) {
    int64_t n = prob.dim_bounds[d];
    for (int64_t f = 2; n > 1;) {
      if (n % f != 0) {
        ++f;
        continue;
      }
      n /= f;
      const int slot = static_cast<int>(rng() % 4);
      if (slot == 2 && fan * f <= 4) {
        m.levels[1].spatial_x[d] *= f;
        fan *= f;
      } else {
        m.levels[slot == 2 ? 1 : (slot == 3 ? 2 : slot)].temporal[d] *= f;
      }
    }
  }
  return {prob, spec, m, stride, dil};
}

}  // namespace orrery::arch::loopnest::test
