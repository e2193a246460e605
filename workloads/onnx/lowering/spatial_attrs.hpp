#pragma once
// Kernel/stride/pad/dilation attributes shared by Conv, ConvTranspose and the pools, mapped
// onto orrery's {D, H, W} arrays (a rank-r op fills the last r entries).
#include <string>
#include <vector>

#include "workloads/onnx/lowering/context.hpp"
#include "workloads/ops/conv.hpp"

namespace orrery::workloads::onnx {

struct SpatialAttrs {
  int rank = 2;
  Dims3 in{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, dilation{1, 1, 1}, pad_begin{0, 0, 0},
      pad_end{0, 0, 0};
};

// `in` are the input's spatial extents, `kernel` the kernel's. Resolves auto_pad (SAME_UPPER,
// SAME_LOWER, VALID) the way ONNX defines it; `transposed` uses ConvTranspose's SAME rule.
SpatialAttrs read_spatial_attrs(const LoweringContext& ctx, const std::vector<int64_t>& in,
                                const std::vector<int64_t>& kernel, bool transposed = false);

// Places the last r of `v` into a {D,H,W} array with `fill` elsewhere.
Dims3 to_dims3(const std::vector<int64_t>& v, int64_t fill);

// The NCDHW spatial extents of `shape` (everything after the first two dims).
std::vector<int64_t> spatial_of(const std::vector<int64_t>& shape);

}  // namespace orrery::workloads::onnx
