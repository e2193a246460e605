#include "mappers/gpu/conv_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/checked_math.hpp"
#include "mappers/gpu/gemm_kernels.hpp"
#include "mappers/gpu/layout_kernels.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"

namespace orrery::mappers::gpu {

using workloads::DType;

namespace {

// Fraction of a convolution's filter taps that land inside the (unpadded) input, averaged over
// the output positions: kernels that predicate off the padding taps issue only these loads.
double taps_inside(const workloads::ConvParams& c) {
  const auto out = c.out();
  double fraction = 1.0;
  for (size_t d = 0; d < 3; ++d) {
    if (c.kernel[d] <= 1 || out[d] <= 0) continue;
    int64_t inside = 0;
    for (int64_t o = 0; o < out[d]; ++o)
      for (int64_t t = 0; t < c.kernel[d]; ++t) {
        const int64_t x = o * c.stride[d] - c.pad_begin[d] + t * c.dilation[d];
        inside += (x >= 0 && x < c.in[d]) ? 1 : 0;
      }
    fraction *= static_cast<double>(inside) / static_cast<double>(out[d] * c.kernel[d]);
  }
  return fraction;
}

// L1 wavefronts one warp load costs when its `pixels` 4-byte words sit `stride_bytes` apart: each
// falls in its own 32-byte sector, and one wavefront reads at most one sector from each of the
// four 32-byte bank groups of a 128-byte row, so sectors at the same offset within their lines
// conflict. A channel count whose pixel stride is a multiple of 128 bytes puts all 16 at the same
// offset (16 wavefronts); 160-byte strides spread them over the four groups (4 wavefronts).
// The direct depthwise kernel's measured times split exactly along this line (ops4_h100.csv:
// C = 192 and 320 at 56x56 take 7.6 us a wave, C = 160 and 240 take 5-6).
int64_t l1_wavefronts_per_load(double stride_bytes, int64_t pixels) {
  int64_t at_offset[4] = {0, 0, 0, 0};
  for (int64_t i = 0; i < pixels; ++i) {
    const auto byte = static_cast<int64_t>(std::llround(static_cast<double>(i) * stride_bytes)) % 128;
    ++at_offset[byte / 32];
  }
  return *std::max_element(at_offset, at_offset + 4);
}

// cuDNN's tiled depthwise kernel (sm90_xmma_depthwise_convolution_fprop_tiling, fp16 only,
// taken for batched filters). Tiles are 8x8 outputs of 64 channels (32 at stride 2), read with
// their halo through L2 (each input byte comes from DRAM once). Nsight Compute shows its grid
// (validation/data/ops3_h100_launch.csv): (1, channel groups, z) of 128-thread CTAs, where the
// whole grid is sized for one pass of the machine, `slots` = 3 CTAs per SM (4 for the 32-channel
// variant, 2 for 5x5 filters), and z = slots / gcd(groups, slots): 4 groups give 99, 8 give 99
// (a grid of 792), 12 give 33, 15 would give 132 (1980 CTAs). CTA (g, z0) walks the spatial
// tiles z0, z0 + z, ... of its group in rounds; a small kernel before it prepares the filters.
// A CTA's first round is a chain of ~19 dependent steps (filters, indices, the first tile);
// later rounds stream with the loads in flight, so the chain and the traffic overlap; every
// further pass of the grid over the machine costs ~15 steps, work or not (the passes without
// tiles are what make 32 images of 960 channels at 7x7 twice as slow as 32 of 384 at 14x14).
// The step counts (calibration.depthwise_tiled_*) are fitted on the calibration rows of
// ops3_h100.csv. Tiles padded past the
// image edge or the channel count cost time, not traffic.
arch::gpu::Kernel make_depthwise_tiled(const workloads::ConvParams& c, DType dtype, double in_bytes,
                                       double out_bytes, double w_bytes, const arch::gpu::GpuSpec& spec) {
  constexpr int64_t kTilePixels = 8;
  const auto& cal = spec.calibration;
  const int64_t s = c.stride[2];  // dims are (depth, height, width)
  const int64_t g = s > 1 ? 32 : 64;
  const auto out = c.out();
  const int64_t tp = ceil_div(out[1], kTilePixels), tq = ceil_div(out[2], kTilePixels),
                tc = ceil_div(c.c_out, g);
  arch::gpu::Kernel k;
  k.name = fmt::format("conv_depthwise_tiled_8x8_g{}", g);
  k.engine = arch::gpu::Engine::depthwise;
  k.math_dtype = dtype;
  k.ctas_per_sm = c.kernel[1] * c.kernel[2] > 9 ? 2 : (g == 32 ? 4 : 3);
  const int64_t slots = spec.sm_count * k.ctas_per_sm;
  const int64_t z = slots / std::gcd(tc, slots);
  const int64_t grid = tc * z;
  const int64_t passes = ceil_div(grid, slots);
  const int64_t spatial = c.n * tp * tq;  // tiles per channel group
  const int64_t rounds = ceil_div(spatial, z);
  // The timing sees one pass of the machine; the others are in the dependent chain.
  k.ctas = std::min(grid, slots);
  const int64_t in_rows = (kTilePixels - 1) * s + c.kernel[1];
  // Later rounds stream: a tile's loads take ~20 steps to land, and the 3x3 stride-1 kernel
  // keeps 3 tiles in flight (stage4 in its name), the 5x5 and stride-2 ones 1 (stage2).
  const int64_t stages = (c.kernel[1] == 3 && s == 1) ? 4 : 2;
  const int64_t round_steps = ceil_div(cal.depthwise_tiled_load_steps, stages - 1);
  k.dependent_accesses = cal.depthwise_tiled_first_round_steps +
                         (passes - 1) * cal.depthwise_tiled_empty_pass_steps + (rounds - 1) * round_steps;
  k.chain_carries_traffic = true;
  const double ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  const double in_tile = static_cast<double>(in_rows * ((kTilePixels - 1) * s + c.kernel[2]) * g) * ib;
  const double out_tile = static_cast<double>(kTilePixels * kTilePixels * g) * ib;
  const int64_t tiles = spatial * tc;
  const double fill = static_cast<double>(out[1] * out[2] * c.c_out) /
                      static_cast<double>(tp * tq * tc * kTilePixels * kTilePixels * g);
  k.flops_per_cta =
      2.0 * static_cast<double>(rounds * kTilePixels * kTilePixels * g * c.kernel[1] * c.kernel[2]);
  k.useful_flops = 2.0 * static_cast<double>(c.macs());
  k.l2_bytes = static_cast<double>(tiles) * (in_tile + out_tile) * fill + w_bytes;
  k.dram_read_bytes = in_bytes + w_bytes;
  set_writes(k, spec, in_bytes + w_bytes, out_bytes);
  return k;
}

// The grid of cuDNN's two kernels for activations whose channels are not whole 16-byte vectors
// (the gather and the legacy SIMT kernel below): 128 output pixels x 32 filters a CTA, one stage,
// 4 CTAs an SM. Each CTA reads its pixels' receptive fields (real channels only) and its filters'
// taps; the caller sets the engine, the K steps and the math.
arch::gpu::Kernel stem_tiles(const workloads::ConvParams& c, DType dtype, double in_bytes, double out_bytes,
                             double w_bytes, const arch::gpu::GpuSpec& spec) {
  constexpr int64_t kTileM = 128, kTileN = 32;
  const double ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  arch::gpu::Kernel k;
  k.tile_m = kTileM;
  k.tile_n = kTileN;
  k.stages = 1;
  k.ctas = ceil_div(c.n * c.out_pixels(), kTileM) * ceil_div(c.c_out, kTileN);
  k.ctas_per_sm = 4;
  k.useful_flops = 2.0 * static_cast<double>(c.macs());
  const double cg = static_cast<double>(c.c_in / c.groups);
  k.l2_bytes = static_cast<double>(k.ctas) * static_cast<double>(c.kernel_volume()) * cg *
                   static_cast<double>(kTileM + kTileN) * ib +
               out_bytes;
  k.dram_read_bytes = in_bytes + w_bytes;
  set_writes(k, spec, in_bytes + w_bytes, out_bytes);
  return k;
}

// cuDNN's kernel for activations whose channels are not whole 16-byte vectors (RGB stems:
// sm80_xmma_fprop_implicit_gemm_indexed_wo_smem, 128x32 output tiles of pixels x filters, 4
// warps, one stage, no shared memory). Each K step gathers its operands through precomputed
// indices straight into registers and waits for them before its MMAs: one dependent access per
// filter tap (per 16 channels), which is what bounds it.
arch::gpu::Kernel make_gather_conv(const workloads::ConvParams& c, DType dtype, double in_bytes,
                                   double out_bytes, double w_bytes, const arch::gpu::GpuSpec& spec) {
  constexpr int64_t kTileK = 16;
  const int64_t steps = c.kernel_volume() * ceil_div(c.c_in / c.groups, kTileK);
  arch::gpu::Kernel k = stem_tiles(c, dtype, in_bytes, out_bytes, w_bytes, spec);
  k.name = fmt::format("conv_gather_igemm_{}x{}x{}_stage1", k.tile_m, k.tile_n, kTileK);
  // The MMAs (zero-padded to 16 channels) hide under the other resident CTAs' waits.
  k.engine = arch::gpu::Engine::implicit_gemm;
  k.math_dtype = dtype;
  k.tile_k = kTileK;
  k.k_iters = steps;
  k.flops_per_cta = 2.0 * static_cast<double>(k.tile_m * k.tile_n * steps * kTileK);
  k.dependent_accesses = steps;
  return k;
}

// cuDNN's legacy implicit_convolve_sgemm (implicit_convolveNd_sgemm for volumes), which PyTorch's
// cuDNN takes for most 16-bit stems of fewer than 8 channels (random_ops_h100*.csv; VGG's,
// MobileNet's, EfficientNet's and R(2+1)D's stems in training_h100_kernels.csv): an SGEMM-style
// kernel on the CUDA cores, accumulating in fp32. Beside each FMA it converts both 16-bit operands
// and computes the input element's im2col index and padding predicate
// (calibration.legacy_conv_lane_ops_per_mac), which bounds it: ~14 TFLOP/s on an H100 at every
// size measured (VGG's 224x224 stem at batch 16 and 64, R3D's at 4 and 16).
arch::gpu::Kernel make_legacy_sgemm_conv(const workloads::ConvParams& c, DType dtype, double in_bytes,
                                         double out_bytes, double w_bytes, const arch::gpu::GpuSpec& spec) {
  const int64_t reduction = c.c_in / c.groups * c.kernel_volume();
  arch::gpu::Kernel k = stem_tiles(c, dtype, in_bytes, out_bytes, w_bytes, spec);
  k.name = c.rank == 3 ? "implicit_convolveNd_sgemm" : "implicit_convolve_sgemm";
  k.engine = arch::gpu::Engine::simt_gemm;
  k.math_dtype = DType::fp32;
  k.tile_k = 8;
  k.k_iters = ceil_div(reduction, int64_t{8});
  const double macs_per_cta = static_cast<double>(k.tile_m * k.tile_n * reduction);
  k.flops_per_cta = 2.0 * macs_per_cta;
  k.lane_ops_per_cta = spec.calibration.legacy_conv_lane_ops_per_mac * macs_per_cta;
  return k;
}

// A depthwise conv as a streaming problem on the CUDA cores: input and filters in, output out.
StreamProblem depthwise_problem(const char* name, const workloads::ConvParams& c, DType dtype,
                                double in_bytes, double out_bytes, double w_bytes) {
  StreamProblem p;
  p.name = name;
  p.dtype = dtype;
  p.engine = arch::gpu::Engine::depthwise;
  p.read_bytes = in_bytes + w_bytes;
  p.write_bytes = out_bytes;
  p.flops = 2.0 * static_cast<double>(c.macs());
  return p;
}

// cuDNN 9.19's NHWC depthwise kernel (conv2d_c1_k1_nhwc, as PyTorch's bundled cuDNN runs
// it): 256-thread CTAs, one output pixel x 8 channels per thread, each filter tap a dependent
// load feeding the accumulation.
arch::gpu::Kernel make_depthwise_c1k1(const workloads::ConvParams& c, DType dtype, double in_bytes,
                                      double out_bytes, double w_bytes, const arch::gpu::GpuSpec& spec,
                                      bool nchw) {
  // On an NCHW input cuDNN names it conv2d_c1_k1_nchw_shmem_tiling (same work, timed alike).
  const StreamProblem p = depthwise_problem(nchw ? "conv2d_c1_k1_nchw_shmem_tiling" : "conv2d_c1_k1_nhwc", c,
                                            dtype, in_bytes, out_bytes, w_bytes);
  arch::gpu::Kernel k = make_stream_kernel(p, spec);
  k.ctas = std::max<int64_t>(1, ceil_div(c.n * c.out_pixels() * ceil_div(c.c_out, 8), 256));
  k.ctas_per_sm = 8;
  k.flops_per_cta = p.flops / static_cast<double>(k.ctas);
  k.dependent_accesses = c.kernel_volume();
  return k;
}

// ATen's conv_depthwise2d_forward_kernel (DepthwiseConv2d.cu), which PyTorch runs for the NCHW
// depthwise convs its use_cudnn_depthwise leaves to it (every bf16 and fp32 one; fp16 goes to
// cuDNN): one thread per output element in 1024-thread CTAs. A thread walks the kH filter rows;
// a row's KW taps (a template argument, unrolled) load together, then accumulate. The input
// streams from DRAM, so every row waits a miss: kH steps of dependent_access + hbm latency
// (train_kernels_h100_seed20.csv: 0.82-0.96 us a row, 3x3 and 5x5, bf16 and fp32).
arch::gpu::Kernel make_depthwise_aten_nchw(const workloads::ConvParams& c, DType dtype, double in_bytes,
                                           double out_bytes, double w_bytes, const arch::gpu::GpuSpec& spec) {
  const StreamProblem p =
      depthwise_problem("conv_depthwise2d_forward_kernel", c, dtype, in_bytes, out_bytes, w_bytes);
  arch::gpu::Kernel k = make_stream_kernel(p, spec);
  constexpr int64_t kThreads = 1024;
  k.ctas = std::max<int64_t>(1, ceil_div(c.n * c.c_out * c.out_pixels(), kThreads));
  k.ctas_per_sm = std::clamp<int64_t>(spec.max_threads_per_sm / kThreads, 1, spec.max_ctas_per_sm);
  k.flops_per_cta = p.flops / static_cast<double>(k.ctas);
  k.dependent_accesses = c.kernel[1];
  k.dram_dependent_accesses = static_cast<double>(c.kernel[1]);
  k.chain_carries_traffic = true;
  return k;
}

void add_implicit_gemm(GpuMapping& m, const workloads::ConvParams& c, DType dtype,
                       const arch::gpu::GpuSpec& spec, int64_t in_pixels, double in_bytes,
                       int64_t useful_macs, bool packed_taps, bool nchw) {
  const double ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
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
  // The first-layer kernel behind the harness's padded stems packs all taps of its few channels
  // into K (image_first_layer ..._k64c4r7s7); the others step one tap at a time.
  g.taps = packed_taps ? 0 : c.kernel_volume();
  g.a_dram_bytes = in_bytes / static_cast<double>(c.groups);
  // A 1x1, stride-1, unpadded convolution over NHWC is a plain GEMM, and cuDNN hands it to
  // cuBLAS (nvjet kernels in the measured names); every other one runs cuDNN's implicit GEMM.
  const bool pointwise = c.kernel_volume() == 1 && c.groups == 1 && !c.transposed && c.stride[0] == 1 &&
                         c.stride[1] == 1 && c.stride[2] == 1 && c.pad_begin == workloads::Dims3{0, 0, 0} &&
                         c.pad_end == workloads::Dims3{0, 0, 0};
  g.implicit = !pointwise;
  if (pointwise) {
    g.prefix = "conv_gemm";
    // As a GEMM its operands are the tensors as stored, whose leading dimensions must be whole
    // 16-byte vectors for the TMA/wgmma kernels: NHWC X [NHW, C] x W^T (W [K, C]) -> Y [NHW, K]
    // needs C and K aligned; NCHW W [K, C] x X [C, HW] -> Y [K, HW] per image, C and HW. Otherwise
    // cuBLAS falls back to CUTLASS 2.x align1/2/4 kernels (cutlass::Kernel2 in random_ops_h100.csv:
    // 191x191, 93x93 and 33x33 maps in NCHW, K = 87 in NHWC).
    const int64_t second = nchw ? c.out_pixels() : c.c_out;
    g.align_elems = vec;
    while (g.align_elems > 1 && (cg % g.align_elems != 0 || second % g.align_elems != 0)) g.align_elems /= 2;
    g.aligned = g.align_elems == vec;
  }
  m.kernels.push_back(choose_gemm_kernel(g, spec));
  m.kernels.back().useful_flops = 2.0 * static_cast<double>(useful_macs);
}

}  // namespace

// PyTorch's use_cudnn_depthwise for a contiguous (NCHW) input (Convolution.cpp,
// check_cudnn_depthwise_workload_with_filter): fp16 only, at least 32 channels, a square 1x1, 3x3
// or 5x5 filter, equal strides, an input at least 7 wide; every stride-1 conv, and at stride 2 a
// batch of one (1x1 up to 28 wide, 3x3 and 5x5 always), or 3x3/5x5 with 512+ channels or 256+
// channels 28+ wide, or 1x1 with batch <= 16, 128+ channels, at most 7 wide. The random sets'
// fp16 NCHW depthwise convs follow it: all 12 7x7 and all 8 under 32 channels ran ATen's kernel,
// as did the 8 stride-2 ones it refuses.
bool cudnn_depthwise_nchw(const workloads::ConvParams& c, DType dtype) {
  if (dtype != DType::fp16 || c.c_in < 32) return false;
  const int64_t filter = c.kernel[2], w = c.in[2], stride = c.stride[2];
  if (c.kernel[1] != filter || (filter != 1 && filter != 3 && filter != 5)) return false;
  if (c.stride[1] != stride || w < 7) return false;
  if (stride == 1) return true;
  if (stride != 2) return false;
  if (c.n == 1) return (filter == 1 && w <= 28) || filter == 3 || filter == 5;
  if (filter == 1) return c.n <= 16 && c.c_in >= 128 && w <= 7;
  return c.c_in >= 512 || (c.c_in >= 256 && w >= 28);
}

GpuMapping map_conv(const workloads::ConvParams& c, DType dtype, const arch::gpu::GpuSpec& spec, Runtime rt) {
  GpuMapping m;
  // Activations as PyTorch stores them (the harness's library calls are NHWC).
  const bool nchw = rt == Runtime::pytorch && nchw_layout(c.layout, spec);
  const double ib = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0;
  const int64_t in_pixels = c.in[0] * c.in[1] * c.in[2];
  const double in_bytes = static_cast<double>(c.n * c.c_in * in_pixels) * ib;
  const double out_bytes = static_cast<double>(c.n * c.c_out * c.out_pixels()) * ib;
  const double w_bytes = static_cast<double>(c.c_out * (c.c_in / c.groups) * c.kernel_volume()) * ib;
  const bool depthwise = c.groups > 1 && c.groups == c.c_in && c.c_out / c.groups <= 4;
  if (depthwise && rt == Runtime::pytorch && c.rank == 2 && !c.transposed) {
    if (nchw && !cudnn_depthwise_nchw(c, dtype) && c.dilation[1] == 1 && c.dilation[2] == 1) {
      m.kernels.push_back(make_depthwise_aten_nchw(c, dtype, in_bytes, out_bytes, w_bytes, spec));
      m.note = "depthwise: ATen's NCHW kernel (PyTorch's use_cudnn_depthwise leaves it to ATen)";
      return m;
    }
    m.kernels.push_back(make_depthwise_c1k1(c, dtype, in_bytes, out_bytes, w_bytes, spec, nchw));
    m.note = "depthwise: cuDNN 9.19's depthwise kernel (as PyTorch's bundled cuDNN runs it)";
    return m;
  }
  // cuDNN 9.14 takes the tiled kernel (fp16 only: every bf16 row runs the direct one) over enough
  // images (ops3_h100.csv: 16 and more, or 8 with maps of 14 and more, 3x3 and 5x5 alike) and
  // over a single 224x224 map; smaller batches take the direct one.
  const int64_t out_h = c.out()[1];
  const bool tiled = dtype == DType::fp16 && c.kernel[1] == c.kernel[2] && c.kernel[1] <= 5 &&
                     (c.n >= 16 || (c.n >= 8 && out_h >= 14) || out_h >= 224);
  if (depthwise && c.rank == 2 && tiled && !c.transposed) {
    // The filter preparation kernel (a few CTAs, ops3_h100_launch.csv).
    StreamProblem prep = depthwise_problem("depthwise_filter_prep", c, dtype, 0.0, 0.0, w_bytes);
    prep.write_bytes = w_bytes;
    prep.flops = 0;
    m.kernels.push_back(make_stream_kernel(prep, spec));
    m.kernels.push_back(make_depthwise_tiled(c, dtype, in_bytes, out_bytes, w_bytes, spec));
    m.note = "depthwise: tiled memory-bound kernel (8x8 output tiles)";
    return m;
  }
  if (depthwise) {
    // cuDNN 9.14's conv2d_grouped_direct_kernel, as Nsight Compute shows it launched
    // (validation/data/ops3_h100_launch.csv, ops4_h100_ncu.csv): one thread per output element
    // in 1024-thread CTAs, one CTA per SM (register-limited); each warp load touches 16 pixels of
    // a channel pair (16 sectors a request at every C). Each wave is a latency-bound chain: a
    // fixed number of dependent steps, plus per tap load that falls inside the image (padding
    // taps are predicated off) the L1 wavefronts that load costs (l1_wavefronts_per_load), and
    // for the loads that miss L1 an L2 round trip: neighbouring outputs share all but
    // stride^2 / taps of their input pixels, and a pixel narrower than a 128-byte line shares
    // its line with others (Nsight Compute's L2/L1 sector ratio in ops4_h100_ncu.csv: 0.09-0.23
    // at stride 1 for 3x3, 0.03-0.05 for 5x5, 0.48-0.73 at stride 2). Fitted on the 46
    // calibration rows of ops_h100.csv, ops3_h100.csv and ops4_h100.csv (5.7 % there; charging
    // every load 16 wavefronts, scaled by the stride, gave 13.3 %).
    arch::gpu::Kernel k = make_stream_kernel(
        depthwise_problem("conv_depthwise_direct", c, dtype, in_bytes, out_bytes, w_bytes), spec);
    k.ctas = std::max<int64_t>(1, ceil_div(c.n * c.c_out * c.out_pixels(), 1024));
    k.ctas_per_sm = 1;
    k.flops_per_cta = 2.0 * static_cast<double>(c.macs()) / static_cast<double>(k.ctas);
    const double pixel_stride_bytes = static_cast<double>(c.c_in * c.stride[2]) * ib;
    const double wavefronts = l1_wavefronts_per_load(pixel_stride_bytes, 16) / 16.0;
    const double tap_loads = static_cast<double>(c.kernel_volume()) * taps_inside(c);
    const double misses = std::min(1.0, static_cast<double>(c.stride[1] * c.stride[2]) /
                                            static_cast<double>(c.kernel[1] * c.kernel[2])) *
                          std::min(1.0, static_cast<double>(c.c_in) * ib / 128.0);
    // Dependent steps of each wave: fixed, per in-image tap load at 16 wavefronts, and per tap
    // load that misses L1 (calibration.depthwise_direct_*).
    const auto& cal = spec.calibration;
    k.dependent_accesses = std::llround(cal.depthwise_direct_fixed_steps +
                                        tap_loads * (cal.depthwise_direct_steps_per_tap * wavefronts +
                                                     cal.depthwise_direct_steps_per_miss * misses));
    m.kernels.push_back(k);
    m.note = "depthwise: direct memory-bound kernel on the CUDA cores";
    return m;
  }
  // Channels per group not a whole 16-byte vector (an RGB stem): cuDNN gathers without shared
  // memory, except for large batches of big-filter stems, which it first pads to 8 channels.
  // (Tensor-core types only: fp32 without TF32 runs cuDNN's SIMT kernels.)
  const bool vector_channels =
      (c.c_in / c.groups) * workloads::dtype_bits(dtype) % 128 == 0 || spec.tensor_flops_per_clk(dtype) <= 0;
  // Under PyTorch only 16-bit 2-D stems are padded (resnet's 7x7 stem at batch 32 runs cuDNN's
  // cutlass fprop after nhwcAddPadding; R3D's 3x7x7 one the legacy kernel; fp32 ones gather).
  const bool sixteen_bit = dtype == DType::fp16 || dtype == DType::bf16;
  const bool pad_first = !vector_channels && c.groups == 1 && c.n >= 8 && c.kernel[1] * c.kernel[2] >= 49 &&
                         (rt != Runtime::pytorch || (sixteen_bit && c.rank == 2));
  // PyTorch's cuDNN 9.19 gathers only for stems of fewer than 8 channels; wider unaligned
  // channel counts run the sm90 implicit GEMM with the reduction padded (random_ops_h100.csv:
  // C = 130, 161, 481, 547 all take sm90_xmma_fprop_implicit_gemm).
  const bool gather = rt != Runtime::pytorch || c.c_in / c.groups < 8;
  if (!vector_channels && gather && c.groups == 1 && !c.transposed && !pad_first) {
    if (rt == Runtime::pytorch && sixteen_bit) {
      m.kernels.push_back(make_legacy_sgemm_conv(c, dtype, in_bytes, out_bytes, w_bytes, spec));
      m.note = "cuDNN's legacy SIMT implicit GEMM (a 16-bit stem of fewer than 8 channels)";
    } else {
      m.kernels.push_back(make_gather_conv(c, dtype, in_bytes, out_bytes, w_bytes, spec));
      m.note = "implicit GEMM gathering unaligned channels (no shared memory, one stage)";
    }
  } else {
    workloads::ConvParams padded = c;
    // Padding first: nhwcAddPaddingKernel on the input and on the filters (each after zeroing its
    // buffer), then the ordinary implicit GEMM on the channels rounded up to 8 (an RGB stem's 3
    // become 8; PyTorch's 203 become 208).
    if (pad_first) padded.c_in = ceil_div(c.c_in, int64_t{8}) * 8;
    const double widen = static_cast<double>(padded.c_in) / static_cast<double>(c.c_in);
    if (pad_first) {
      for (const auto& [src, dst] :
           {std::pair{in_bytes, in_bytes * widen}, std::pair{w_bytes, w_bytes * widen}}) {
        m.kernels.push_back(memset_node(dst, spec));
        StreamProblem pad;
        pad.name = "nhwc_add_padding";
        pad.dtype = dtype;
        pad.read_bytes = src;
        pad.write_bytes = dst;
        m.kernels.push_back(make_stream_kernel(pad, spec));
      }
    }
    add_implicit_gemm(m, padded, dtype, spec, in_pixels, in_bytes * widen, c.macs(),
                      pad_first && padded.c_in == 8, nchw);
    m.note = pad_first ? "channels padded to 8, then implicit GEMM (NHWC)" : "implicit GEMM (NHWC)";
  }
  if (c.bias) {
    if (rt == Runtime::pytorch) {
      // PyTorch adds the bias after cuDNN in a broadcasting TensorIterator kernel.
      m.kernels.push_back(
          broadcast_elementwise("conv_bias_add", c.n * c.c_out * c.out_pixels(), c.c_out, 3, dtype, spec));
    } else {
      StreamProblem b;
      b.name = "conv_bias_add";
      b.dtype = dtype;
      b.read_bytes = out_bytes + static_cast<double>(c.c_out) * ib;
      b.write_bytes = out_bytes;
      b.flops = static_cast<double>(c.n * c.c_out * c.out_pixels());
      m.kernels.push_back(make_stream_kernel(b, spec));
    }
    m.note += " + bias kernel";
  }
  return m;
}

}  // namespace orrery::mappers::gpu
