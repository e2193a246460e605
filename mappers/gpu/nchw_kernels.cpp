#include "mappers/gpu/nchw_kernels.hpp"

#include <algorithm>

#include "common/checked_math.hpp"
#include "mappers/gpu/stream_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Kernel;
using workloads::DType;

namespace {

double elem_bytes(DType dt) { return static_cast<double>(workloads::dtype_bits(dt)) / 8.0; }

}  // namespace

int64_t norm_threads(int64_t n) {
  for (int64_t t : {32, 64, 128, 256}) {
    if (n <= t) return t;
  }
  return 512;
}

Kernel batch_norm_transform_nchw(int64_t n, int64_t c, int64_t pixels, DType dtype, bool input_in_l2,
                                 const arch::gpu::GpuSpec& spec) {
  // batch_norm_transform_input_cuda_template on the (N, C, HW) view: tf threads along the
  // pixels, tb along the batch, a grid of C planes x min(256K / C, ceil(N / tb)) batch ranges.
  const int64_t tf = std::max(norm_threads(pixels / 4), std::min<int64_t>(norm_threads(pixels), 64));
  const int64_t tb = std::max<int64_t>(64 / tf, 1);
  const int64_t gy = std::clamp<int64_t>(std::min<int64_t>(256 * 1024 / c, ceil_div(n, tb)), 1, 65535);
  const double bytes = static_cast<double>(n * c * pixels) * elem_bytes(dtype);
  Kernel k = grid_stream_kernel("batch_norm_transform_input", dtype, c * gy, tf * tb, bytes, bytes, spec);
  // Each thread walks its pixels and batch rows one element at a time, and no two steps' loads
  // are in flight together: a map streamed from DRAM runs at one DRAM latency a step (565-650 ns
  // on every multi-wave row above 50 MB of train_kernels_h100_seed20/21 and random_ops seeds 16-19,
  // 1.6-1.8 TB/s however many steps), i.e. the L2 access each step makes plus the rest of the
  // DRAM latency. A map the L2 still holds waits as ATen's other NCHW loops over L2-resident
  // data do (calibration.norm_loop_miss_fraction).
  const int64_t steps = ceil_div(pixels, tf) * ceil_div(n, tb * gy);
  const double miss = input_in_l2 ? spec.calibration.norm_loop_miss_fraction : dram_miss_share(spec);
  k.dependent_accesses = steps;
  k.dram_dependent_accesses = static_cast<double>(steps) * miss;
  if (input_in_l2) k.dram_read_bytes = 0;
  k.chain_carries_traffic = true;
  k.low_mlp = true;
  k.flops_per_cta = 4.0 * static_cast<double>(n * c * pixels) / static_cast<double>(k.ctas);
  k.useful_flops = k.flops_per_cta * static_cast<double>(k.ctas);
  return k;
}

Kernel cudnn_batch_norm_inference(int64_t n, int64_t c, int64_t pixels, bool nhwc, DType dtype,
                                  const arch::gpu::GpuSpec& spec) {
  // cuDNN's source is closed: timed as a streaming pass over the activation (read once, written
  // once) plus the per-channel scale, shift, mean and variance. The NHWC kernel measures far
  // slower than that on large maps (0.3-0.5 TB/s on random_ops_h100.csv); see arch/gpu/README.md.
  const double numel = static_cast<double>(n * c * pixels);
  StreamProblem p;
  p.name = nhwc ? "cudnn_bn_fw_inf_1C11_NHWC" : "cudnn_bn_fw_inf_1C11_NCHW";
  p.dtype = dtype;
  p.read_bytes = numel * elem_bytes(dtype) + 4.0 * static_cast<double>(c) * 4.0;
  p.write_bytes = numel * elem_bytes(dtype);
  p.flops = 2.0 * numel;
  return make_stream_kernel(p, spec);
}

Kernel max_pool_nchw(const workloads::PoolParams& p, DType dtype, const arch::gpu::GpuSpec& spec) {
  const auto out = p.out();
  const int64_t outputs = p.n * p.c * out[0] * out[1] * out[2];
  const int64_t taps = p.kernel[0] * p.kernel[1] * p.kernel[2];
  const double e = elem_bytes(dtype);
  const double in = static_cast<double>(p.n * p.c * p.in[0] * p.in[1] * p.in[2]) * e;
  Kernel k = grid_stream_kernel("max_pool_forward_nchw", dtype, ceil_div(outputs, 256), 256, in,
                                static_cast<double>(outputs) * (e + 8.0), spec);
  // Overlapping windows re-read their shared taps from the caches.
  k.l2_bytes = std::max(k.l2_bytes, static_cast<double>(outputs * taps) * e + k.written_bytes);
  // Each tap's compare waits for its load (NaN check and argmax update), then the two stores.
  k.dependent_accesses = taps + 1;
  k.useful_flops = static_cast<double>(outputs * taps);
  return k;
}

}  // namespace orrery::mappers::gpu
