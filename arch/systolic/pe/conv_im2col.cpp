#include "arch/systolic/pe/conv_im2col.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::arch::systolic::pe {

void Conv2dShape::validate() const {
  if (batch < 1 || in_channels < 1 || height < 1 || width < 1 || out_channels < 1 || kernel_h < 1 ||
      kernel_w < 1 || stride < 1 || pad < 0 || groups < 1 || in_channels % groups != 0 ||
      out_channels % groups != 0 || out_h() < 1 || out_w() < 1) {
    throw WorkloadError(fmt::format(
        "PE model: conv2d shape not supported (batch {}, channels {}->{}, {}x{}, kernel {}x{}, "
        "stride {}, pad {}, groups {})",
        batch, in_channels, out_channels, height, width, kernel_h, kernel_w, stride, pad, groups));
  }
}

template <class In>
Mat<In> im2col(const Conv2dShape& s, const std::vector<In>& input, int64_t group) {
  s.validate();
  if (static_cast<int64_t>(input.size()) != s.batch * s.in_channels * s.height * s.width) {
    throw WorkloadError("PE model: conv input size does not match its shape");
  }
  const int64_t cg = s.in_channels / s.groups, oh = s.out_h(), ow = s.out_w();
  Mat<In> a = Mat<In>::Zero(s.batch * oh * ow, cg * s.kernel_h * s.kernel_w);
  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t y = 0; y < oh; ++y) {
      for (int64_t x = 0; x < ow; ++x) {
        const int64_t row = (b * oh + y) * ow + x;
        for (int64_t c = 0; c < cg; ++c) {
          const int64_t channel = group * cg + c;
          for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
            for (int64_t kx = 0; kx < s.kernel_w; ++kx) {
              const int64_t iy = y * s.stride + ky - s.pad, ix = x * s.stride + kx - s.pad;
              if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width) continue;  // padding
              a(row, (c * s.kernel_h + ky) * s.kernel_w + kx) =
                  input[static_cast<size_t>(((b * s.in_channels + channel) * s.height + iy) * s.width + ix)];
            }
          }
        }
      }
    }
  }
  return a;
}

template <class In>
Mat<In> filter_matrix(const Conv2dShape& s, const std::vector<In>& weight, int64_t group) {
  s.validate();
  const int64_t cg = s.in_channels / s.groups, ng = s.out_channels / s.groups;
  const int64_t k = cg * s.kernel_h * s.kernel_w;
  if (static_cast<int64_t>(weight.size()) != s.out_channels * k) {
    throw WorkloadError("PE model: conv weight size does not match its shape");
  }
  Mat<In> b(k, ng);
  for (int64_t n = 0; n < ng; ++n) {
    for (int64_t i = 0; i < k; ++i) b(i, n) = weight[static_cast<size_t>((group * ng + n) * k + i)];
  }
  return b;
}

template <class In>
std::vector<Plan<In>> make_conv_plans(const Conv2dShape& shape, const std::vector<In>& input,
                                      const std::vector<In>& weight, ArrayDims dims, Dataflow dataflow,
                                      FoldSchedule schedule) {
  std::vector<Plan<In>> plans;
  for (int64_t g = 0; g < shape.groups; ++g) {
    plans.push_back(make_gemm_plan<In>(im2col(shape, input, g), filter_matrix(shape, weight, g), dims,
                                       dataflow, schedule));
  }
  return plans;
}

template <class Acc>
std::vector<Acc> conv_output(const Conv2dShape& s, const std::vector<Mat<Acc>>& group_results) {
  s.validate();
  const int64_t oh = s.out_h(), ow = s.out_w(), ng = s.out_channels / s.groups;
  if (static_cast<int64_t>(group_results.size()) != s.groups) {
    throw SimulationError("PE model: one GEMM result per conv group expected");
  }
  std::vector<Acc> out(static_cast<size_t>(s.batch * s.out_channels * oh * ow));
  for (int64_t g = 0; g < s.groups; ++g) {
    const auto& r = group_results[static_cast<size_t>(g)];
    for (int64_t b = 0; b < s.batch; ++b) {
      for (int64_t n = 0; n < ng; ++n) {
        for (int64_t y = 0; y < oh; ++y) {
          for (int64_t x = 0; x < ow; ++x) {
            out[static_cast<size_t>(((b * s.out_channels + g * ng + n) * oh + y) * ow + x)] =
                r((b * oh + y) * ow + x, n);
          }
        }
      }
    }
  }
  return out;
}

#define ORRERY_PE_CONV_INSTANTIATE(In)                                                            \
  template Mat<In> im2col<In>(const Conv2dShape&, const std::vector<In>&, int64_t);               \
  template Mat<In> filter_matrix<In>(const Conv2dShape&, const std::vector<In>&, int64_t);        \
  template std::vector<Plan<In>> make_conv_plans<In>(const Conv2dShape&, const std::vector<In>&,  \
                                                     const std::vector<In>&, ArrayDims, Dataflow, \
                                                     FoldSchedule);
ORRERY_PE_CONV_INSTANTIATE(int8_t)
ORRERY_PE_CONV_INSTANTIATE(float)
template std::vector<int32_t> conv_output<int32_t>(const Conv2dShape&, const std::vector<Mat<int32_t>>&);
template std::vector<float> conv_output<float>(const Conv2dShape&, const std::vector<Mat<float>>&);

}  // namespace orrery::arch::systolic::pe
