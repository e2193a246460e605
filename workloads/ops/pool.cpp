#include "workloads/ops/pool.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

Dims3 PoolParams::out() const {
  Dims3 o{};
  for (int i = 0; i < 3; ++i) {
    const int64_t span = in[i] + pad_begin[i] + pad_end[i] - kernel[i];
    o[i] = (ceil_mode ? ceil_div(span, stride[i]) : span / stride[i]) + 1;
  }
  return o;
}

int64_t PoolParams::vector_flops() const {
  const auto o = out();
  return checked_mul(checked_mul(n * c, o[0] * o[1] * o[2], "pool"), kernel[0] * kernel[1] * kernel[2],
                     "pool");
}

OpTensors PoolParams::tensors(DType dt) const {
  auto shape = [&](const Dims3& s) {
    std::vector<int64_t> v{n, c};
    for (int i = 3 - rank; i < 3; ++i) v.push_back(s[i]);
    return v;
  };
  const Tensor x{"", shape(in), dt}, y{"", shape(out()), dt};
  if (!backward) return {{x}, {}, {y}};
  OpTensors t{{y}, {}, {x}};
  if (mode == Mode::max) t.inputs.push_back({"", {y.numel(), 2}, DType::fp32});
  return t;
}

LoopNest PoolParams::loop_nest() const {
  const auto o = out();
  enum { N, C, OZ, OY, OX, KZ, KY, KX };
  LoopNest nest{{{"n", n},
                 {"c", c},
                 {"oz", o[0]},
                 {"oy", o[1]},
                 {"ox", o[2]},
                 {"kz", kernel[0]},
                 {"ky", kernel[1]},
                 {"kx", kernel[2]}},
                {}};
  std::vector<AffineIndex> in_axes{axis(N), axis(C)}, out_axes{axis(N), axis(C)};
  const int od[3] = {OZ, OY, OX}, kd[3] = {KZ, KY, KX};
  for (int i = 3 - rank; i < 3; ++i) {
    in_axes.push_back(AffineIndex{{{od[i], stride[i]}, {kd[i], 1}}, -pad_begin[i]});
    out_axes.push_back(axis(od[i]));
  }
  // backward: dY indexed like the output, dX like the input (same window loop).
  nest.tensors.push_back(
      {placeholder(TensorRole::input, 0), TensorRole::input, backward ? out_axes : in_axes});
  nest.tensors.push_back(
      {placeholder(TensorRole::output, 0), TensorRole::output, backward ? in_axes : out_axes});
  return nest;
}

std::string PoolParams::describe() const {
  return fmt::format("{}pool{} N={} C={} {}x{}x{} k={} s={}", mode == Mode::max ? "max" : "avg",
                     backward ? " backward" : "", n, c, in[0], in[1], in[2], kernel[2], stride[2]) +
         (layout != ConvLayout::unset ? fmt::format(" layout={}", to_string(layout)) : std::string());
}

void PoolParams::validate(const std::string& where) const {
  require_positive(where, "N", n);
  require_positive(where, "C", c);
  for (int i = 0; i < 3; ++i) {
    require_positive(where, "input size", in[i]);
    require_positive(where, "kernel size", kernel[i]);
    require_positive(where, "stride", stride[i]);
  }
  for (auto v : out())
    if (v <= 0) throw WorkloadError(fmt::format("{}: pooling window larger than input", where));
}

}  // namespace orrery::workloads
