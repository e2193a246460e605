#include "workloads/onnx/lowering/spatial_attrs.hpp"

#include <fmt/format.h>

namespace orrery::workloads::onnx {

Dims3 to_dims3(const std::vector<int64_t>& v, int64_t fill) {
  Dims3 d{fill, fill, fill};
  const size_t r = v.size();
  for (size_t i = 0; i < r && i < 3; ++i) d[3 - r + i] = v[i];
  return d;
}

std::vector<int64_t> spatial_of(const std::vector<int64_t>& shape) {
  return shape.size() > 2 ? std::vector<int64_t>(shape.begin() + 2, shape.end()) : std::vector<int64_t>{};
}

SpatialAttrs read_spatial_attrs(const LoweringContext& ctx, const std::vector<int64_t>& in,
                                const std::vector<int64_t>& kernel, bool transposed) {
  const auto r = static_cast<size_t>(in.size());
  if (r < 1 || r > 3) ctx.fail(fmt::format("expected 1 to 3 spatial dimensions, got {}", r));
  if (kernel.size() != r)
    ctx.fail(fmt::format("kernel rank {} differs from the input's {}", kernel.size(), r));
  auto list = [&](const char* name, int64_t dflt, size_t n) {
    auto v = ctx.attr_ints(name).value_or(std::vector<int64_t>(n, dflt));
    if (v.size() != n) ctx.fail(fmt::format("attribute {} has {} values, expected {}", name, v.size(), n));
    return v;
  };
  const auto strides = list("strides", 1, r), dilations = list("dilations", 1, r);
  auto pads = list("pads", 0, 2 * r);
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  if (auto_pad == "VALID") {
    pads.assign(2 * r, 0);
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (size_t i = 0; i < r; ++i) {
      const int64_t eff = dilations[i] * (kernel[i] - 1) + 1;
      int64_t total = 0;
      if (transposed) {
        total = std::max<int64_t>(0, strides[i] * (in[i] - 1) + eff - in[i] * strides[i]);
      } else {
        const int64_t out = (in[i] + strides[i] - 1) / strides[i];
        total = std::max<int64_t>(0, (out - 1) * strides[i] + eff - in[i]);
      }
      const int64_t small = total / 2, large = total - small;
      const bool upper = auto_pad == "SAME_UPPER";
      pads[i] = upper ? small : large;
      pads[i + r] = upper ? large : small;
    }
  } else if (auto_pad != "NOTSET") {
    ctx.fail(fmt::format("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", auto_pad));
  }
  SpatialAttrs a;
  a.rank = static_cast<int>(r);
  a.in = to_dims3(in, 1);
  a.kernel = to_dims3(kernel, 1);
  a.stride = to_dims3(strides, 1);
  a.dilation = to_dims3(dilations, 1);
  a.pad_begin = to_dims3(std::vector<int64_t>(pads.begin(), pads.begin() + static_cast<long>(r)), 0);
  a.pad_end = to_dims3(std::vector<int64_t>(pads.begin() + static_cast<long>(r), pads.end()), 0);
  return a;
}

}  // namespace orrery::workloads::onnx
