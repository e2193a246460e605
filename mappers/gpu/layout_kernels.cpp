#include "mappers/gpu/layout_kernels.hpp"

#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"

namespace orrery::mappers::gpu {

namespace {

arch::gpu::Kernel transpose(const char* name, double bytes, workloads::DType dtype,
                            const arch::gpu::GpuSpec& spec) {
  StreamProblem p;
  p.name = name;
  p.dtype = dtype;
  p.read_bytes = bytes;
  p.write_bytes = bytes;
  return make_stream_kernel(p, spec);
}

}  // namespace

void wrap_nchw_transposes(GpuMapping& m, const workloads::ConvParams& c, workloads::DType dtype,
                          const arch::gpu::GpuSpec& spec) {
  const double ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  const double in_bytes = static_cast<double>(c.n * c.c_in * c.in[0] * c.in[1] * c.in[2]) * ib;
  const double w_bytes = static_cast<double>(c.c_out * (c.c_in / c.groups) * c.kernel_volume()) * ib;
  const double out_bytes = static_cast<double>(c.n * c.c_out * c.out_pixels()) * ib;
  std::vector<arch::gpu::Kernel> before{transpose("nchwToNhwcKernel_input", in_bytes, dtype, spec),
                                        transpose("nchwToNhwcKernel_filter", w_bytes, dtype, spec),
                                        memset_node(4096.0, spec)};
  m.kernels.insert(m.kernels.begin(), before.begin(), before.end());
  // The output is transposed back before a bias is added (ATen adds it on the NCHW result).
  auto bias = m.kernels.end();
  for (auto it = m.kernels.begin(); it != m.kernels.end(); ++it)
    if (it->name == "conv_bias_add") bias = it;
  m.kernels.insert(bias, transpose("nhwcToNchwKernel_output", out_bytes, dtype, spec));
  m.note = "NCHW: transposed to NHWC and back around " + m.note;
}

}  // namespace orrery::mappers::gpu
