#include "workloads/ops/conv.hpp"

#include <fmt/format.h>

#include "common/checked_math.hpp"
#include "workloads/ops/validate.hpp"

namespace orrery::workloads {

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

int64_t ConvParams::kernel_volume() const { return kernel[0] * kernel[1] * kernel[2]; }

int64_t ConvParams::macs() const {
  // A transposed conv scatters every input pixel through the kernel: its true work is counted
  // from the input side; a direct conv gathers per output pixel.
  const int64_t pixels = transposed ? in[0] * in[1] * in[2] : out_pixels();
  const int64_t per_pixel = transposed ? c_in * (c_out / groups) : c_out * (c_in / groups);
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
  return t;
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
  nest.tensors.push_back({placeholder(TensorRole::input, 0), TensorRole::input, in_axes});
  nest.tensors.push_back({placeholder(TensorRole::weight, 0), TensorRole::weight, w_axes});
  nest.tensors.push_back({placeholder(TensorRole::output, 0), TensorRole::output, out_axes});
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
