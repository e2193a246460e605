#pragma once
// Compile-time bounds of the loop-nest model. The evaluator keeps every per-level, per-dimension
// and per-data-space quantity in fixed arrays of these sizes, so evaluating a mapping allocates
// nothing (the mapper calls it millions of times). Readers reject inputs that exceed them.
#include <cstddef>

namespace orrery::arch::loopnest {

inline constexpr int kMaxDims = 8;          // CNN layers use 7 (N, C, M, R, S, P, Q)
inline constexpr int kMaxDataSpaces = 4;    // Weights, Inputs, Outputs (+ one spare)
inline constexpr int kMaxLevels = 12;       // storage levels, spatial-only dummies included
inline constexpr int kMaxAxes = 6;          // tensor rank of one data space
inline constexpr int kMaxTermsPerAxis = 4;  // e.g. Inputs W = Wstride*P + Wdilation*R

}  // namespace orrery::arch::loopnest
