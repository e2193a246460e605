#include "workloads/ops/conv.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/checked_math.hpp"
#include "workloads/ops/gemm.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

std::string_view to_string(ConvPass p) {
  switch (p) {
    case ConvPass::forward:
      return "forward";
    case ConvPass::backward_data:
      return "backward_data";
    case ConvPass::backward_weight:
      return "backward_weight";
  }
  return "?";
}

std::string_view to_string(ConvLayout l) {
  switch (l) {
    case ConvLayout::unset:
      return "unset";
    case ConvLayout::nhwc:
      return "nhwc";
    case ConvLayout::nchw:
      return "nchw";
  }
  return "?";
}

Dims3 ConvParams::out() const {
  Dims3 o{};
  for (int i = 0; i < 3; ++i) {
    const int64_t eff_kernel = dilation[i] * (kernel[i] - 1) + 1;
    if (transposed)
      o[i] = (in[i] - 1) * stride[i] - pad_begin[i] - pad_end[i] + eff_kernel + output_padding[i];
    else
      o[i] = (in[i] + pad_begin[i] + pad_end[i] - eff_kernel) / stride[i] + 1;
  }
  return o;
}

int64_t ConvParams::out_pixels() const {
  auto o = out();
  return checked_mul(checked_mul(o[0], o[1], "conv"), o[2], "conv output size");
}

int64_t ConvParams::kernel_volume() const {
  return checked_mul(checked_mul(kernel[0], kernel[1], "conv kernel"), kernel[2], "conv kernel volume");
}

int64_t ConvParams::macs() const {
  // A transposed conv scatters every input pixel through the kernel: its true work is counted
  // from the input side; a direct conv gathers per output pixel.
  const int64_t pixels = transposed ? in[0] * in[1] * in[2] : out_pixels();
  const int64_t per_pixel = transposed ? checked_mul(c_in, c_out / groups, "conv channels")
                                       : checked_mul(c_out, c_in / groups, "conv channels");
  return checked_mul(checked_mul(checked_mul(n, pixels, "conv"), per_pixel, "conv"), kernel_volume(),
                     "conv MACs");
}

OpTensors ConvParams::tensors(DType dt) const {
  auto spatial = [&](int64_t c, const Dims3& s) {
    std::vector<int64_t> shape{n, c};
    for (int i = 3 - rank; i < 3; ++i) shape.push_back(s[i]);
    return shape;
  };
  OpTensors t;
  t.inputs.push_back({"", spatial(c_in, in), dt});
  std::vector<int64_t> w =
      transposed ? std::vector<int64_t>{c_in, c_out / groups} : std::vector<int64_t>{c_out, c_in / groups};
  for (int i = 3 - rank; i < 3; ++i) w.push_back(kernel[i]);
  t.weights.push_back({"", w, dt});
  if (bias) t.weights.push_back({"", {c_out}, dt});
  t.outputs.push_back({"", spatial(c_out, out()), dt});
  switch (pass) {
    case ConvPass::forward:
      return t;
    case ConvPass::backward_data:  // dY and W in, dX (the forward input's shape) out
      return {{t.outputs[0]}, {t.weights[0]}, {t.inputs[0]}};
    case ConvPass::backward_weight:  // X and dY in, dW (and db) out
      return {{t.inputs[0], t.outputs[0]}, {}, t.weights};
  }
  return t;
}

ConvParams ConvParams::backward_data_as_forward() const {
  ConvParams d = *this;
  d.pass = ConvPass::forward;
  d.bias = false;
  d.c_in = c_out;
  d.c_out = c_in;
  d.in = out();
  d.output_padding = {0, 0, 0};
  if (transposed) {  // the gradient of a transposed conv is the direct conv with its stride
    d.transposed = false;
    return d;
  }
  bool strided = false;
  for (int i = 0; i < 3; ++i) strided |= stride[i] > 1;
  if (strided) {
    d.transposed = true;
    // convT output = (out-1)*s - pads + eff_kernel + output_padding must give back `in`.
    const Dims3 o = out();
    for (int i = 0; i < 3; ++i) {
      const int64_t eff = dilation[i] * (kernel[i] - 1) + 1;
      d.output_padding[i] = in[i] - ((o[i] - 1) * stride[i] - pad_begin[i] - pad_end[i] + eff);
    }
    return d;
  }
  for (int i = 0; i < 3; ++i) {
    const int64_t eff = dilation[i] * (kernel[i] - 1);
    d.pad_begin[i] = eff - pad_begin[i];
    d.pad_end[i] = eff - pad_end[i];
    // A forward pad larger than the kernel reach would need a crop, not a pad: keep the output
    // size by padding no less than zero and trimming the other side.
    if (d.pad_begin[i] < 0 || d.pad_end[i] < 0) {
      d.pad_begin[i] = std::max<int64_t>(d.pad_begin[i], 0);
      d.pad_end[i] = std::max<int64_t>(d.pad_end[i], 0);
    }
  }
  return d;
}

GemmParams ConvParams::backward_weight_as_gemm() const {
  GemmParams g;
  g.batch = groups;
  g.m = c_out / groups;
  g.n = checked_mul(c_in / groups, kernel_volume(), "conv weight gradient");
  g.k = checked_mul(n, transposed ? in[0] * in[1] * in[2] : out_pixels(), "conv weight gradient");
  g.trans_b = true;  // im2col(X) is [K, N] read transposed; dY viewed as [M, K]
  return g;
}

LoopNest ConvParams::loop_nest() const {
  // Direct conv: out[n, g*Mg+m, o] += in[n, g*Cg+c, o*stride + r*dilation - pad] * w[g*Mg+m, c, r].
  // A transposed conv is tiled as the equivalent direct conv over the (virtually) dilated input.
  const int64_t cg = c_in / groups, mg = c_out / groups;
  const Dims3 o = out();
  enum { N, G, M, C, OZ, OY, OX, KZ, KY, KX };
  LoopNest nest{{{"n", n},
                 {"g", groups},
                 {"m", mg},
                 {"c", cg},
                 {"oz", o[0]},
                 {"oy", o[1]},
                 {"ox", o[2]},
                 {"kz", kernel[0]},
                 {"ky", kernel[1]},
                 {"kx", kernel[2]}},
                {}};
  auto grouped = [](int group_dim, int64_t group_size, int inner) {
    return AffineIndex{{{group_dim, group_size}, {inner, 1}}, 0};
  };
  std::vector<AffineIndex> in_axes{axis(N), grouped(G, cg, C)};
  std::vector<AffineIndex> w_axes{grouped(G, mg, M), axis(C)};
  std::vector<AffineIndex> out_axes{axis(N), grouped(G, mg, M)};
  const int out_dims[3] = {OZ, OY, OX}, k_dims[3] = {KZ, KY, KX};
  for (int i = 3 - rank; i < 3; ++i) {
    const int64_t s = transposed ? 1 : stride[i];
    in_axes.push_back(AffineIndex{{{out_dims[i], s}, {k_dims[i], dilation[i]}}, -pad_begin[i]});
    w_axes.push_back(axis(k_dims[i]));
    out_axes.push_back(axis(out_dims[i]));
  }
  // Same iteration space for every pass; the projections change roles (see the header).
  switch (pass) {
    case ConvPass::forward:
      nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, in_axes});
      nest.tensors.push_back({placeholder(TensorRole::weight, 0), TensorRole::weight, w_axes});
      nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, out_axes});
      break;
    case ConvPass::backward_data:
      nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, out_axes});
      nest.tensors.push_back({placeholder(TensorRole::weight, 0), TensorRole::weight, w_axes});
      nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, in_axes});
      break;
    case ConvPass::backward_weight:
      nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, in_axes});
      nest.tensors.push_back({placeholder(TensorRole::input, 1), TensorRole::input, out_axes});
      nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, w_axes});
      break;
  }
  return nest;
}

std::string ConvParams::describe() const {
  const auto o = out();
  std::string s = fmt::format("{}{}d N={} C={} K={}", transposed ? "convT" : "conv", rank, n, c_in, c_out);
  const char* names[3] = {"D", "H", "W"};
  const char* knames[3] = {"T", "R", "S"};
  for (int i = 3 - rank; i < 3; ++i) s += fmt::format(" {}={}", names[i], in[i]);
  for (int i = 3 - rank; i < 3; ++i) s += fmt::format(" {}={}", knames[i], kernel[i]);
  s += fmt::format(" stride={} -> {}x{}x{}", stride[2], o[0], o[1], o[2]);
  if (groups != 1) s += fmt::format(" groups={}", groups);
  if (pass != ConvPass::forward) s += fmt::format(" pass={}", to_string(pass));
  if (layout != ConvLayout::unset) s += fmt::format(" layout={}", to_string(layout));
  return s;
}

void ConvParams::validate(const std::string& where) const {
  if (rank < 1 || rank > 3)
    throw WorkloadError(fmt::format("{}: conv rank must be 1, 2 or 3, got {}", where, rank));
  require_positive(where, "N", n);
  require_positive(where, "C", c_in);
  require_positive(where, "K", c_out);
  require_positive(where, "groups", groups);
  if (c_in % groups || c_out % groups)
    throw WorkloadError(fmt::format("{}: groups={} must divide C={} and K={}", where, groups, c_in, c_out));
  for (int i = 0; i < 3; ++i) {
    require_positive(where, "input size", in[i]);
    require_positive(where, "kernel size", kernel[i]);
    require_positive(where, "stride", stride[i]);
    require_positive(where, "dilation", dilation[i]);
    require_non_negative(where, "pad", pad_begin[i]);
    require_non_negative(where, "pad", pad_end[i]);
  }
  for (auto o : out())
    if (o <= 0)
      throw WorkloadError(fmt::format("{}: kernel larger than padded input (output size {})", where, o));
  (void)macs();
}

}  // namespace orrery::workloads
