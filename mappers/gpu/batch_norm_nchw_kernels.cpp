#include "mappers/gpu/batch_norm_nchw_kernels.hpp"

#include <algorithm>

#include "common/checked_math.hpp"
#include "mappers/gpu/nchw_kernels.hpp"
#include "mappers/gpu/stream_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Kernel;
using workloads::DType;

namespace {

constexpr int64_t kMaxBlock = 512;      // Normalization.cuh MAX_BLOCK_SIZE (CUDA)
constexpr int64_t kReductionSteps = 3;  // block reduction: warp shuffles, shared memory, the final write

double elem(DType dt) { return static_cast<double>(workloads::dtype_bits(dt)) / 8.0; }

// One CTA per channel of tf x (512 / tf) threads (x over the pixels, y over the samples); each
// thread visits ceil(n / ty) x ceil(pixels / tf) steps of `vec` elements (a vector load: float4
// moves four), `passes` times. A share `miss` of those steps waits a load that misses the L2 (the
// DRAM latency more).
// `threads_x` fixes tf where the kernel's template does (0: getNumThreads over the vectors).
Kernel per_channel(const char* name, int64_t n, int64_t c, int64_t pixels, int passes, double read,
                   double write, double flops, DType dtype, const arch::gpu::GpuSpec& spec, double miss = 0,
                   int64_t vec = 1, int64_t threads_x = 0) {
  const int64_t tf = threads_x > 0 ? threads_x : norm_threads(ceil_div(pixels, vec)),
                ty = std::max<int64_t>(1, kMaxBlock / tf);
  const int64_t steps = ceil_div(n, ty) * ceil_div(pixels, tf * vec);
  StreamProblem p;
  p.name = name;
  p.dtype = dtype;
  p.read_bytes = read;
  p.write_bytes = write;
  p.flops = flops;
  p.max_ctas = c;
  Kernel k = make_stream_kernel(p, spec);
  k.row_per_cta = false;
  k.ctas_per_sm = std::clamp<int64_t>(spec.max_threads_per_sm / (tf * ty), 1, spec.max_ctas_per_sm);
  k.dependent_accesses = passes * (steps + kReductionSteps);
  k.dram_dependent_accesses = static_cast<double>(passes * steps) * miss;
  k.chain_carries_traffic = true;
  k.low_mlp = vec == 1;  // one element a thread per step (the float4/float2 kernels, vec 4 and 2, stream)
  return k;
}

// ATen's own loops (Normalization.cuh) take one element per thread per step, and a step's load
// often misses the L2 (the activations stream through once): it waits the DRAM latency too.
Kernel aten_per_channel(const char* name, int64_t n, int64_t c, int64_t pixels, int passes, double read,
                        double write, double flops, DType dtype, const arch::gpu::GpuSpec& spec) {
  return per_channel(name, n, c, pixels, passes, read, write, flops, dtype, spec,
                     spec.calibration.norm_loop_miss_fraction);
}

// cuDNN's single-read forward (bn_fw_tr_1C11_singleread) holds a channel in the CTA's registers
// between the statistics and the normalization; past this many elements per channel it takes
// bn_fw_tr_1C11_kernel_NCHW, which reads the channel again for the second pass, with vector
// loads that miss the L2 as ATen's loops do. The switch lies between 25,921 and 29,952 elements
// in validation/data/train_kernels_h100_seed20/21 (kernel names, fp16 and fp32): 512 threads x 56.
constexpr int64_t kSingleReadElements = 28672;
constexpr int64_t kNchwKernelVector = 4;

// The backward's single-read kernel holds both X and dY: half the forward's elements (fp32 and
// odd-pixel fp16: the switch lies between 13,189 and 14,720 in train_kernels_h100_seed20/21,
// 512 x 28 = 14,336). fp16 over an even pixel count packs half2 pairs
// (bn_bw_1C11_singleread_spec<__half2>), which holds more: 38,400 elements still single-read,
// 53,248 not (the midpoint, 45,824, is taken). Past them, bn_bw_1C11_kernel_new<..., float2, TF>
// reads the channel twice in float2 vectors with TF in {32, 128, 512}: the largest whose 8 x TF
// does not exceed the pixels (HW = 784 and 900 took 32; 1,024-3,969 took 128; 4,096 up 512).
constexpr int64_t kBackwardSingleReadElements = 14336;
constexpr int64_t kBackwardSingleReadHalf2Elements = 45824;
constexpr int64_t kBackwardVector = 2;

int64_t cudnn_threads_x(int64_t pixels) {
  for (int64_t t : {512, 128}) {
    if (8 * t <= pixels) return t;
  }
  return 32;
}

// Whether a two-pass kernel's second pass finds in the L2 the channel slices (`tensors` of them,
// `act` bytes each over the c channels) that its resident CTAs just streamed in the first.
bool slices_stay_in_l2(int64_t c, double act, int tensors, const arch::gpu::GpuSpec& spec) {
  const double share = static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  const int64_t resident = std::min<int64_t>(
      c, spec.sm_count * std::clamp<int64_t>(spec.max_threads_per_sm / kMaxBlock, 1, spec.max_ctas_per_sm));
  return static_cast<double>(resident) * tensors * act / static_cast<double>(c) <= share;
}

// The share of a two-pass kernel's steps whose loads wait on DRAM: the first pass streams the
// cold inputs from DRAM; the second re-reads the slices the first just streamed, from the L2 if
// they stayed there (train_kernels_h100_seed20/21: 6 MB of activations at 0.53 us a step, 0.4 us
// more than an L2 hit).
double two_pass_miss(int64_t c, double act, int tensors, const arch::gpu::GpuSpec& spec) {
  return (1.0 + (slices_stay_in_l2(c, act, tensors, spec) ? 0.0 : 1.0)) / 2.0;
}

// The share for a two-pass kernel whose first pass sums the channel as ATen's statistics loops do
// and whose second loads, transforms and stores each element (batch_norm_transform_input's steps),
// re-reading the slices the first streamed: waiting a DRAM latency a step once they left the L2.
double load_store_two_pass_miss(int64_t c, double act, int tensors, const arch::gpu::GpuSpec& spec) {
  const double loop_miss = spec.calibration.norm_loop_miss_fraction;
  const double second = slices_stay_in_l2(c, act, tensors, spec) ? loop_miss : dram_miss_share(spec);
  return (loop_miss + second) / 2.0;
}

// PyTorch calls cuDNN's batch norm for fp32 and fp16 and its own kernels for bf16
// (validation/data/train_kernels_h100_seed20_kernels.csv: bn_fw_tr_1C11_singleread_spec<__half2>).
bool cudnn_batch_norm(DType dtype) { return dtype != DType::bf16; }

Kernel per_channel_vector(const char* name, int64_t c, int reads, int writes,
                          const arch::gpu::GpuSpec& spec) {
  StreamProblem p;
  p.name = name;
  p.dtype = DType::fp32;
  p.read_bytes = static_cast<double>(c * reads) * 4.0;
  p.write_bytes = static_cast<double>(c * writes) * 4.0;
  p.flops = static_cast<double>(c) * 4.0;
  return make_stream_kernel(p, spec);
}

}  // namespace

std::vector<Kernel> batch_norm_nchw_forward(int64_t n, int64_t c, int64_t pixels, DType dtype,
                                            const arch::gpu::GpuSpec& spec) {
  const double act = static_cast<double>(n * c * pixels) * elem(dtype),
               numel = static_cast<double>(n * c * pixels);
  const double stats = static_cast<double>(c) * 8.0;
  if (cudnn_batch_norm(dtype)) {
    if (n * pixels <= kSingleReadElements)  // one read, one latency chain per element
      return {per_channel("cudnn_bn_fw_tr_1C11_singleread", n, c, pixels, 1, act, act + 2 * stats, 7 * numel,
                          dtype, spec)};
    // Pass 1 the statistics, pass 2 the normalization's load -> store steps over X.
    return {per_channel("cudnn_bn_fw_tr_1C11_kernel_NCHW", n, c, pixels, 2, 2 * act, act + 2 * stats,
                        7 * numel, dtype, spec, load_store_two_pass_miss(c, act, 1, spec),
                        kNchwKernelVector)};
  }
  std::vector<Kernel> ks;
  ks.push_back(
      aten_per_channel("batch_norm_collect_statistics", n, c, pixels, 1, act, stats, 4 * numel, dtype, spec));
  // mean/invstd and the running statistics (5 per-channel vectors in, 4 out)
  ks.push_back(per_channel_vector("batch_norm_update_stats_and_invert", c, 5, 4, spec));
  // batch_norm_transform_input_kernel reads the activation again: still in the L2 when it fits
  // there (the statistics kernel just streamed it), else from DRAM.
  const double l2_share = static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  ks.push_back(batch_norm_transform_nchw(n, c, pixels, dtype, act <= l2_share, spec));
  return ks;
}

std::vector<Kernel> batch_norm_nchw_backward(int64_t n, int64_t c, int64_t pixels, DType dtype,
                                             const arch::gpu::GpuSpec& spec) {
  // Pass 1: sum(dY) and sum(dY * (X - mean)) over the channel; pass 2: dX from X, dY again.
  const double act = static_cast<double>(n * c * pixels) * elem(dtype),
               numel = static_cast<double>(n * c * pixels);
  const double stats = static_cast<double>(c) * 8.0;
  if (cudnn_batch_norm(dtype)) {
    const bool half2 = dtype == DType::fp16 && pixels % 2 == 0;
    if (n * pixels <= (half2 ? kBackwardSingleReadHalf2Elements : kBackwardSingleReadElements))
      return {per_channel("cudnn_bn_bw_1C11_singleread", n, c, pixels, 2, 4 * act, act + 2 * stats, 8 * numel,
                          dtype, spec)};
    // Each step's float2 loads of X and dY wait for their data (two_pass_miss).
    return {per_channel("cudnn_bn_bw_1C11_kernel_new", n, c, pixels, 2, 4 * act, act + 2 * stats, 8 * numel,
                        dtype, spec, two_pass_miss(c, act, 2, spec), kBackwardVector,
                        cudnn_threads_x(pixels))};
  }
  // ATen's batch_norm_backward_kernel: pass 1 sums dY and dY * (X - mean); pass 2 loads X and dY
  // and stores dX per element.
  return {per_channel("batch_norm_backward", n, c, pixels, 2, 4 * act, act + 2 * stats, 8 * numel, dtype,
                      spec, load_store_two_pass_miss(c, act, 2, spec))};
}

}  // namespace orrery::mappers::gpu
