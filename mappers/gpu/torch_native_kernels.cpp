#include "mappers/gpu/torch_native_kernels.hpp"

#include <algorithm>
#include <cmath>

#include "common/checked_math.hpp"
#include "mappers/gpu/stream_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Engine;
using arch::gpu::Kernel;
using workloads::DType;

namespace {

int64_t last_pow2(int64_t n) {  // largest power of two <= n (ATen's lastPow2), 1 for n < 1
  int64_t p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

double elem_bytes(DType dt) { return static_cast<double>(workloads::dtype_bits(dt)) / 8.0; }

Kernel native(const char* name, DType dtype, int64_t ctas, int64_t threads, double read, double write,
              const arch::gpu::GpuSpec& spec) {
  return grid_stream_kernel(name, dtype, ctas, threads, read, write, spec);
}

}  // namespace

Kernel batch_norm_transform_channels_last(int64_t n, int64_t c, int64_t pixels, DType dtype,
                                          const arch::gpu::GpuSpec& spec) {
  // flexible_launch_configs (Normalization.cuh): MAX_BLOCK_SIZE 512, OPTIMAL_TILE_W 32,
  // ELEMENTS_PER_THREAD 16, MAX_H_BLOCK 128; the kernel loads PARALLEL_LOADS = 4 rows per pass.
  const int64_t stride = c, reduction = n * pixels;
  int64_t bx = std::min<int64_t>(last_pow2(stride), 32);
  const int64_t by = std::min(last_pow2(ceil_div(reduction, 16)), 512 / bx);
  if (bx * by != 512) bx = std::min(last_pow2(stride), 512 / by);
  const int64_t gx = ceil_div(stride, bx), gy = std::min<int64_t>(ceil_div(reduction, by * 16), 128);
  const int64_t passes = ceil_div(reduction, by * gy * 4);
  const double bytes = static_cast<double>(n * c * pixels) * elem_bytes(dtype);
  Kernel k = native("batch_norm_transform_channels_last", dtype, gx * gy, bx * by, bytes, bytes, spec);
  // Each pass issues its 4 loads together, but its 4 stores complete before the next pass's
  // loads issue (no unrolling across passes): two dependent steps per pass.
  k.dependent_accesses = 2 * passes;
  k.flops_per_cta = 4.0 * static_cast<double>(n * c * pixels) / static_cast<double>(k.ctas);
  k.useful_flops = k.flops_per_cta * static_cast<double>(k.ctas);
  return k;
}

Kernel broadcast_elementwise(const char* name, int64_t numel, int64_t channels, int operands, DType dtype,
                             const arch::gpu::GpuSpec& spec) {
  // elementwise_kernel<128, 4>: 128 threads, 4 elements each. Per element and operand the
  // OffsetCalculator's divisions and multiply-adds run on the integer pipes: ~40 lane
  // instructions per operand (3 operands for a bias add: 430 G elements/s measured;
  // calibration rows of validation/data/torch_ops_h100.csv).
  const double tensor = static_cast<double>(numel) * elem_bytes(dtype);
  const int64_t inputs = operands - 1;  // one full-size input, the rest per-channel
  return generic_elementwise(name, numel, tensor + static_cast<double>((inputs - 1) * channels) * 4.0, tensor,
                             operands, dtype, spec);
}

Kernel generic_elementwise(const char* name, int64_t numel, double read_bytes, double write_bytes,
                           int operands, DType dtype, const arch::gpu::GpuSpec& spec) {
  Kernel k = native(name, dtype, ceil_div(numel, 512), 128, read_bytes, write_bytes, spec);
  k.lane_ops_per_cta =
      spec.calibration.broadcast_lane_ops_per_operand * static_cast<double>(operands) * 512.0;
  k.useful_flops = static_cast<double>(numel);
  return k;
}

bool vectorized_cast(double source_bytes, DType dtype) {
  return source_bytes == elem_bytes(dtype) ||
         (source_bytes == 4.0 && (dtype == DType::bf16 || dtype == DType::fp16));
}

Kernel unrolled_cast(int64_t numel, double read_bytes, double write_bytes, DType dtype,
                     const arch::gpu::GpuSpec& spec) {
  constexpr int64_t kThreadWork = 4;  // CUDALoops.cuh thread_work_size()
  Kernel k = native("unrolled_elementwise_direct_copy", dtype, ceil_div(numel, 128 * kThreadWork), 128,
                    read_bytes, write_bytes, spec);
  // Each element's load sits in its own case of fetch_and_cast's dtype switch: the thread's four
  // loads do not overlap, and each misses the L2 (a cast reads its source once), waiting an L2
  // access and the DRAM latency. The training rows' kernels of this name: ~3 us in one wave from
  // 32,000 to 2.4 M elements (4 x (220 + 600) ns), ~2 TB/s over many waves; predicted/measured
  // 0.8-1.1 per row and phase (validation/data/training_h100_kernels.csv).
  k.dependent_accesses = kThreadWork;
  k.dram_dependent_accesses = kThreadWork;
  k.low_mlp = true;
  k.chain_carries_traffic = true;
  k.useful_flops = static_cast<double>(numel);
  return k;
}

Kernel max_pool_nhwc(const workloads::PoolParams& p, DType dtype, const arch::gpu::GpuSpec& spec) {
  // DilatedMaxPool2d.cu (NHWC path): block (x: channels, y: output columns, z: output rows) of
  // up to 1024 threads; each thread covers kernel_size_C channel slices; the grid strides the
  // outputs by BLOCK_STRIDE = 2 blocks. Every window tap of every output the thread owns is a
  // load whose value feeds a running max kept in shared memory before the next tap.
  const auto out = p.out();
  const int64_t oh = out[1], ow = out[2], c = p.c;
  int64_t bx = std::min<int64_t>(32, last_pow2(c));
  const int64_t by = std::min(last_pow2(ow), 1024 / bx);
  const int64_t bz = std::min(last_pow2(oh), 1024 / bx / by);
  bx = std::min(last_pow2(c), 1024 / by / bz);
  const int64_t stride_c = ceil_div(c, bx * 4), size_c = ceil_div(c, bx * stride_c);
  const int64_t gx = p.n * stride_c, gy = ceil_div(ow, by * 2), gz = ceil_div(oh, bz * 2);
  const int64_t rows_per_thread = ceil_div(oh, bz * gz), cols_per_thread = ceil_div(ow, by * gy);
  const double e = elem_bytes(dtype);
  const double in = static_cast<double>(p.n * c * p.in[1] * p.in[2]) * e;
  const double outputs = static_cast<double>(p.n * c * oh * ow);
  Kernel k =
      native("max_pool_forward_nhwc", dtype, gx * gy * gz, bx * by * bz, in, outputs * (e + 8.0), spec);
  k.dependent_accesses = rows_per_thread * cols_per_thread * p.kernel[1] * p.kernel[2] * size_c;
  k.useful_flops = outputs * static_cast<double>(p.kernel[1] * p.kernel[2]);
  return k;
}

Kernel spatial_mean_reduce(int64_t n, int64_t c, int64_t pixels, DType dtype,
                           const arch::gpu::GpuSpec& spec) {
  // reduce_kernel<128, 4> over a strided (non-innermost) dim: the outputs (channels) are
  // vectorized across threads, the pixels split over block.y and, past ~1k values per output,
  // over CTAs with a global accumulation. About 12 latency-bound steps (loads, the
  // shared-memory tree over block.y, the store) plus one per 512 values per output: the ~4 us
  // such a reduction takes however small (calibration rows of torch_ops_h100.csv).
  const double e = elem_bytes(dtype);
  const double in = static_cast<double>(n * c * pixels) * e;
  Kernel k =
      native("reduce_kernel_mean", dtype, std::max<int64_t>(1, ceil_div(n * c, 128) * ceil_div(pixels, 1024)),
             128, in, static_cast<double>(n * c) * e, spec);
  k.dependent_accesses = spec.calibration.strided_reduce_fixed_steps + ceil_div(pixels, 512);
  k.useful_flops = static_cast<double>(n * c * pixels);
  return k;
}

Kernel inner_sum_reduce(int64_t outputs, int64_t values, DType dtype, const arch::gpu::GpuSpec& spec) {
  // setReduceConfig with the reduction on the fastest-moving axis: block.x (up to a warp) walks an
  // output's values, block.y (up to 512 threads in all) takes one output each, unless a thread
  // would then walk at least 256 values (or 16 x block.y), when block.y walks the values too and
  // a CTA serves one output. A long reduction is then split over ctas_per_output CTAs to fill
  // the machine (2048 / 512 = 4 CTAs per SM), partials accumulated through global memory. Each
  // thread keeps vt0 = 4 loads in flight: its loop is one dependent access per 4 values, beside
  // the ~12 steps of the block and global reductions (calibration.strided_reduce_fixed_steps).
  constexpr int64_t kMaxThreads = 512, kWarp = 32, kVt0 = 4;
  const int64_t d0 = values < kMaxThreads ? last_pow2(values) : kMaxThreads;
  const int64_t d1 = outputs < kMaxThreads ? last_pow2(outputs) : kMaxThreads;
  int64_t bw = std::min(d0, kWarp);
  const int64_t bh = std::min(d1, kMaxThreads / bw);
  bw = std::min(d0, kMaxThreads / bh);
  int64_t per_thread = ceil_div(values, bw), outputs_per_cta = bh;
  if (per_thread >= bh * 16 || per_thread >= 256) {
    per_thread = ceil_div(values, bw * bh);
    outputs_per_cta = 1;
  }
  const int64_t grid = ceil_div(outputs, outputs_per_cta);
  const int64_t target = spec.sm_count * std::max<int64_t>(1, spec.max_threads_per_sm / (bw * bh));
  int64_t ctas_per_output = 1;
  if (outputs_per_cta == 1 && per_thread >= 256 && grid <= target)
    ctas_per_output =
        std::max(std::min(ceil_div(target, grid), ceil_div(per_thread, 16)), ceil_div(per_thread, 256));
  per_thread = ceil_div(per_thread, ctas_per_output);
  const double e = elem_bytes(dtype);
  // Split outputs: each CTA writes an fp32 partial, which the last one reads back.
  const double partials = ctas_per_output > 1 ? static_cast<double>(outputs * ctas_per_output) * 4.0 : 0.0;
  Kernel k = native("reduce_kernel_inner", dtype, grid * ctas_per_output, bw * bh,
                    static_cast<double>(outputs * values) * e + partials,
                    static_cast<double>(outputs) * e + partials, spec);
  k.dependent_accesses = spec.calibration.strided_reduce_fixed_steps + ceil_div(per_thread, kVt0);
  k.chain_carries_traffic = true;
  k.useful_flops = static_cast<double>(outputs * values);
  return k;
}

Kernel layer_norm_rows(int64_t rows, int64_t cols, DType dtype, const arch::gpu::GpuSpec& spec, bool rms) {
  // vectorized_layer_norm_kernel: one CTA of 128 threads per row (16 per SM), 4-element vectors.
  // A Welford pass over the row (each vector load waits its DRAM round trip), a block Welford
  // reduction, then a pass that re-reads the row (L2) with gamma and beta and stores. Many CTAs
  // share an SM, so their chains overlap each other's streaming (chain_carries_traffic); the
  // block reduction's shuffle trees of (mean, m2, count) with a division per combine are issue
  // work on the CUDA cores: kWelfordLnLaneOpsPerThread.
  const double e = elem_bytes(dtype);
  const int64_t vectors = std::max<int64_t>(1, ceil_div(cols, 128 * kLayerNormVectorElems));
  const double bytes = static_cast<double>(rows * cols) * e;
  Kernel k = native("vectorized_layer_norm", dtype, rows, 128, bytes + 2.0 * static_cast<double>(cols) * e,
                    bytes, spec);
  k.row_per_cta = true;
  k.chain_carries_traffic = true;
  k.low_mlp = true;  // a vector or two a thread, then the block reduction, then the re-read and store
  // The second pass waits on gamma (and beta) too: from DRAM while they are cold, that is when
  // all the rows run in one wave, else from the L2 with the row.
  const bool one_wave = rows <= spec.sm_count * k.ctas_per_sm;
  // rms_norm's first pass is a plain sum of squares: with no Welford division between them its
  // loads pipeline, one round trip for the pass.
  const int64_t first_pass = rms ? 1 : vectors;
  k.dram_round_trips = one_wave ? first_pass + vectors : first_pass;
  k.dependent_accesses = 2 + (one_wave ? 0 : vectors);
  // Per element: the online Welford update (a division) or a square and an add.
  k.lane_ops_per_cta =
      128.0 * (kRowCtaLaneOpsPerThread + (rms ? kSumSquaresLaneOpsPerThread : kWelfordLaneOpsPerThread)) +
      (rms ? 4.0 : 16.0) * static_cast<double>(cols);
  k.flops_per_cta = 8.0 * static_cast<double>(cols);
  k.useful_flops = k.flops_per_cta * static_cast<double>(rows);
  return k;
}

Kernel memset_node(double bytes, const arch::gpu::GpuSpec& spec) {
  // Filled at full bandwidth (16 KiB per CTA, at most one pass of the machine).
  const int64_t ctas = std::min<int64_t>(ceil_div(static_cast<int64_t>(bytes), 16384), spec.sm_count * 8);
  Kernel k = native("memset", DType::int8, ctas, 256, 0.0, bytes, spec);
  k.memset = true;
  return k;
}

}  // namespace orrery::mappers::gpu
