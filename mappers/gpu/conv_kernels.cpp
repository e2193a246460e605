#include "mappers/gpu/conv_kernels.hpp"

#include "mappers/gpu/gemm_kernels.hpp"
#include "mappers/gpu/stream_kernels.hpp"

namespace orrery::mappers::gpu {

using workloads::DType;

GpuMapping map_conv(const workloads::ConvParams& c, DType dtype, const arch::gpu::GpuSpec& spec) {
  GpuMapping m;
  const double ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  const int64_t in_pixels = c.in[0] * c.in[1] * c.in[2];
  const double in_bytes = static_cast<double>(c.n * c.c_in * in_pixels) * ib;
  const double out_bytes = static_cast<double>(c.n * c.c_out * c.out_pixels()) * ib;
  const double w_bytes = static_cast<double>(c.c_out * (c.c_in / c.groups) * c.kernel_volume()) * ib;
  const bool depthwise = c.groups > 1 && c.groups == c.c_in && c.c_out / c.groups <= 4;
  if (depthwise) {
    StreamProblem p;
    p.name = "conv_depthwise_direct";
    p.dtype = dtype;
    p.engine = arch::gpu::Engine::depthwise;
    p.read_bytes = in_bytes + w_bytes;
    p.write_bytes = out_bytes;
    p.flops = 2.0 * static_cast<double>(c.macs());
    p.max_ctas = c.n * c.c_out;  // cuDNN's grouped direct kernel: one output plane per CTA
    m.kernels.push_back(make_stream_kernel(p, spec));
    m.note = "depthwise: direct memory-bound kernel on the CUDA cores";
    return m;
  }
  GemmProblem g;
  g.prefix = c.rank == 3 ? "conv3d_igemm" : "conv_igemm";
  g.dtype = dtype;
  g.batch = c.groups;
  g.m = c.n * (c.transposed ? in_pixels : c.out_pixels());
  g.n = c.c_out / c.groups;
  // Channels per group padded to 16 bytes (the vectorized NHWC load), times the filter volume.
  const int64_t vec = std::max<int64_t>(1, static_cast<int64_t>(16.0 / ib));
  const int64_t cg = c.c_in / c.groups;
  g.k = ((cg + vec - 1) / vec) * vec * c.kernel_volume();
  g.k_padded_from = cg * c.kernel_volume();
  g.a_dram_bytes = in_bytes / static_cast<double>(c.groups);
  g.implicit = true;
  m.kernels.push_back(choose_gemm_kernel(g, spec));
  m.kernels.back().useful_flops = 2.0 * static_cast<double>(c.macs());
  m.note = "implicit GEMM (NHWC)";
  return m;
}

}  // namespace orrery::mappers::gpu
