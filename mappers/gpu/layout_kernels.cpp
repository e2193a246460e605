#include "mappers/gpu/layout_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/checked_math.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"

namespace orrery::mappers::gpu {

using workloads::DType;

bool nchw_layout(workloads::ConvLayout l, const arch::gpu::GpuSpec& spec) {
  return l == workloads::ConvLayout::nchw ||
         (l == workloads::ConvLayout::unset && spec.software.layout == arch::gpu::Layout::nchw);
}

int64_t channel_vector(DType dtype) { return std::max<int64_t>(1, 128 / workloads::dtype_bits(dtype)); }

arch::gpu::Kernel layout_kernel(const char* name, double read_elems, double write_elems, DType dtype,
                                const arch::gpu::GpuSpec& spec) {
  constexpr int64_t kThreadsPerCta = 256;
  const double eb = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  StreamProblem p;
  p.name = name;
  p.dtype = dtype;
  p.read_bytes = read_elems * eb;
  p.write_bytes = write_elems * eb;
  arch::gpu::Kernel k = make_stream_kernel(p, spec);
  // One element per thread: the grid covers the elements, at most one pass of the machine
  // (2048 threads per SM), each thread then walking its share one DRAM round trip at a time.
  const double elems = std::max(read_elems, write_elems);
  k.ctas = std::max<int64_t>(1, std::min<int64_t>(static_cast<int64_t>(std::ceil(elems / kThreadsPerCta)),
                                                  spec.sm_count * k.ctas_per_sm));
  k.dram_round_trips = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(elems / static_cast<double>(k.ctas * kThreadsPerCta))));
  k.chain_carries_traffic = true;
  return k;
}

namespace {

int64_t round_up(int64_t x, int64_t v) { return ceil_div(x, v) * v; }

// cuDNN's tensorTransformGeneric: the generic N-d transform that pads the filter's leading
// dimension while it reorders KCRS to KRSC. Its cost is not bandwidth: a serial prologue and
// per element the index decomposition of a generic-rank, generic-stride tensor on the CUDA cores
// (calibration.tensor_transform_*).
arch::gpu::Kernel tensor_transform(double read_elems, double write_elems, DType dtype,
                                   const arch::gpu::GpuSpec& spec) {
  arch::gpu::Kernel k = layout_kernel("tensorTransformGeneric", read_elems, write_elems, dtype, spec);
  k.setup_s = spec.calibration.tensor_transform_setup_s;
  k.lane_ops_per_cta =
      spec.calibration.tensor_transform_lane_ops_per_element * write_elems / static_cast<double>(k.ctas);
  return k;
}

}  // namespace

namespace {

// One tensor the kernel reads or writes, with its elements as stored and with its channels
// padded to whole 16-byte vectors.
struct Operand {
  const char* role = "";
  double elems = 0, padded = 0;
  bool pad() const { return padded > elems; }
};

Operand activation(const char* role, int64_t pixels, int64_t channels, int64_t vec) {
  return {role, static_cast<double>(pixels * channels),
          static_cast<double>(pixels * round_up(channels, vec))};
}

}  // namespace

void wrap_cudnn_layout(GpuMapping& m, const workloads::ConvParams& c, DType dtype, bool nchw,
                       const arch::gpu::GpuSpec& spec) {
  using workloads::ConvPass;
  const int64_t vec = channel_vector(dtype);
  const int64_t in_pixels = c.n * c.in[0] * c.in[1] * c.in[2], out_pixels = c.n * c.out_pixels();
  // The filter as stored: [K, C/g, taps]; its leading dimension is the forward's output channels.
  const int64_t fk = c.c_out, fc = c.c_in / c.groups, taps = c.kernel_volume();
  const Operand x = activation("input", in_pixels, c.c_in, vec),
                y = activation("output", out_pixels, c.c_out, vec);
  const Operand w{"filter", static_cast<double>(fk * fc * taps),
                  static_cast<double>(round_up(fk, vec) * round_up(fc, vec) * taps)};
  // What the kernel reads (activations; the filter separately) and writes, per pass.
  std::vector<Operand> reads;
  Operand out;
  bool reads_filter = true;
  switch (c.pass) {
    case ConvPass::forward:
      reads = {x};
      out = y;
      break;
    case ConvPass::backward_data:
      reads = {{"grad_output", y.elems, y.padded}};
      out = {"grad_input", x.elems, x.padded};
      break;
    case ConvPass::backward_weight:
      reads = {x, {"grad_output", y.elems, y.padded}};
      out = {"grad_filter", w.elems, w.padded};
      reads_filter = false;
      break;
  }
  const double eb = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  auto name = [](const char* kernel, const char* role) { return std::string(kernel) + "_" + role; };
  std::vector<arch::gpu::Kernel> before, after;
  for (const Operand& a : reads) {
    if (a.pad()) before.push_back(memset_node(a.padded * eb, spec));
    if (nchw)
      before.push_back(
          layout_kernel(name("nchwToNhwcKernel", a.role).c_str(), a.elems, a.padded, dtype, spec));
    else if (a.pad())
      before.push_back(
          layout_kernel(name("nhwcAddPaddingKernel", a.role).c_str(), a.elems, a.padded, dtype, spec));
  }
  if (reads_filter && (nchw || w.pad())) {
    if (w.pad()) before.push_back(memset_node(w.padded * eb, spec));
    // A filter whose leading dimension needs padding goes through the generic transform.
    if (nchw && fk % vec != 0)
      before.push_back(tensor_transform(w.elems, w.padded, dtype, spec));
    else
      before.push_back(
          layout_kernel(name(nchw ? "nchwToNhwcKernel" : "nhwcAddPaddingKernel", "filter").c_str(), w.elems,
                        w.padded, dtype, spec));
  }
  if (nchw && c.pass != ConvPass::backward_weight) before.push_back(memset_node(4096.0, spec));  // workspace
  if (nchw)
    after.push_back(
        layout_kernel(name("nhwcToNchwKernel", out.role).c_str(), out.padded, out.elems, dtype, spec));
  else if (out.pad())
    after.push_back(
        layout_kernel(name("nhwcAddPaddingKernel", out.role).c_str(), out.padded, out.elems, dtype, spec));
  if (before.empty() && after.empty()) return;
  m.kernels.insert(m.kernels.begin(), before.begin(), before.end());
  // The output is restored before a bias is added (ATen adds it to the result it gets back).
  auto bias = m.kernels.end();
  for (auto it = m.kernels.begin(); it != m.kernels.end(); ++it)
    if (it->name == "conv_bias_add" || it->name.rfind("bias_grad_", 0) == 0) bias = it;
  m.kernels.insert(bias, after.begin(), after.end());
  m.note = (nchw ? "NCHW: transposed to NHWC and back around " : "NHWC with channels padded to 16 bytes: ") +
           m.note;
}

}  // namespace orrery::mappers::gpu
