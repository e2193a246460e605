#include "mappers/gpu/gemm_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "arch/gpu/kernel_timing.hpp"
#include "common/checked_math.hpp"
#include "mappers/gpu/stream_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Engine;
using arch::gpu::GpuSpec;
using arch::gpu::Kernel;
using workloads::DType;

namespace {

double element_bytes(DType dt) { return static_cast<double>(workloads::dtype_bits(dt)) / 8.0; }

// Output element: 16-bit GEMMs write 16-bit C; fp32/tf32 write fp32; 8-bit write 16-bit.
double output_bytes(DType dt) { return (dt == DType::fp32 || dt == DType::tf32) ? 4.0 : 2.0; }

// CTAs per cluster sharing one operand panel through TMA multicast: 2 on the sm90 TMA/wgmma
// path (cuBLAS's nvjet kernels); 1 for SIMT, the CUTLASS 2.x fallback and cuDNN's implicit-GEMM
// convolutions (their names show no cluster shape).
int64_t cluster_multicast(const GemmProblem& p, bool simt) {
  return simt || !p.aligned || p.implicit ? 1 : 2;
}

// CUTLASS's SIMT kernels (sm80_xmma_gemm_f32f32_..._ffma in the measured names): 4 warps (2 for
// 32x32), each thread an a x b block of outputs. Per k it issues a x b FFMAs and (a + b) / 4
// LDS.128 for its fragments, plus ~1 instruction of loop, address and copy overhead; those share
// the issue slots with the FFMAs, so small tiles lose a larger share. Three stages (stage3 in
// every measured name): a K-step's loads are issued two steps ahead, so the loop runs no faster
// than one load latency per two steps.
void set_simt_issue(Kernel& k, int64_t tm, int64_t tn, int64_t kc) {
  const int64_t threads = tm * tn <= 32 * 32 ? 64 : 128;
  const double micro = static_cast<double>(tm * tn) / static_cast<double>(threads);
  const double fragment_loads = 2.0 * std::sqrt(micro) / 4.0;
  k.lane_ops_per_cta = static_cast<double>(threads) * static_cast<double>(kc) * (fragment_loads + 1.0);
  k.stages = 3;
  k.dependent_accesses = ceil_div(k.k_iters, k.stages - 1);
  k.chain_carries_traffic = true;
}

// mma.sync kernels: 64x64 warp tiles read their A and B fragments with ldmatrix (A once per
// 64-column warp, B once per 64-row warp), and every warp-wide global load of align_elems-element
// vectors is one L1 wavefront; scalar (align1) kernels also store each one to shared memory
// (another wavefront) and issue them from the MMA warps. One wavefront is one shared-bandwidth
// cycle (128 B).
void set_mma_sync_smem(Kernel& k, const GemmProblem& p, const GpuSpec& spec, double ib) {
  const int64_t tm = k.tile_m, tn = k.tile_n, tk = k.tile_k;
  const double frag =
      static_cast<double>(tm * ceil_div(tn, 64) + tn * ceil_div(tm, 64)) * static_cast<double>(tk) * ib;
  const double vectors = static_cast<double>((tm + tn) * tk) / (32.0 * static_cast<double>(p.align_elems));
  const bool scalar = p.align_elems <= 1;
  k.smem_bytes_per_cta = static_cast<double>(k.k_iters) *
                         (frag + vectors * (scalar ? 2.0 : 1.0) * spec.shared_bandwidth_bytes_per_clk);
  k.serial_loads = scalar;
}

// Rows of A and B panels one wave of `wave_ctas` CTAs fetches (times the panels' scales), the
// library rasterizing the CTAs in square-ish blocks of tiles.
double wave_panel_bytes(const Kernel& k, int64_t mt, int64_t nt, int64_t wave_ctas, double a_panel,
                        double b_panel) {
  int64_t a_w = std::min<int64_t>(mt, std::max<int64_t>(1, std::llround(std::sqrt(double(wave_ctas)))));
  const int64_t b_w = std::min<int64_t>(nt, ceil_div(wave_ctas, a_w));
  a_w = std::min<int64_t>(mt, ceil_div(wave_ctas, b_w));
  return static_cast<double>(a_w * k.tile_m) * a_panel + static_cast<double>(b_w * k.tile_n) * b_panel;
}

}  // namespace

Kernel make_gemm_kernel(const GemmProblem& p, const GpuSpec& spec, int64_t tm, int64_t tn, int64_t split,
                        bool swapped) {
  Kernel k;
  const bool simt = spec.tensor_flops_per_clk(p.dtype) <= 0;
  const int64_t rows = swapped ? p.n : p.m, cols = swapped ? p.m : p.n;
  const double ib = element_bytes(p.dtype), ob = p.c_elem_bytes > 0 ? p.c_elem_bytes : output_bytes(p.dtype);
  // K-step: 128 bytes of each operand row per stage on the tensor path (64 for 16-bit,
  // 32 for tf32, 128 for 8-bit); CUTLASS SIMT kernels step 8.
  const int64_t tk = simt ? 8 : p.tile_k > 0 ? p.tile_k : p.aligned ? static_cast<int64_t>(128.0 / ib) : 32;
  const int64_t mt = ceil_div(rows, tm), nt = ceil_div(cols, tn);
  // An implicit GEMM's K-steps walk the filter taps, each tap's channels in whole steps: 9 taps of
  // 16 channels take 9 steps of 64 (K runs at 16/64 of the MMA rate), 9 of 32-channel steps.
  const int64_t k_steps_total = p.taps > 0 ? p.taps * ceil_div(ceil_div(p.k, p.taps), tk) : ceil_div(p.k, tk);
  const int64_t kc = ceil_div(k_steps_total, split) * tk;  // K range per split, whole steps
  k.engine = simt         ? Engine::simt_gemm
             : !p.aligned ? Engine::unaligned_gemm
             : p.implicit ? Engine::implicit_gemm
                          : Engine::tensor_gemm;
  k.math_dtype = p.dtype;
  k.tile_m = tm;
  k.tile_n = tn;
  k.tile_k = tk;
  k.split_k = split;
  k.swapped = swapped;
  k.k_iters = kc / tk;
  // cuDNN's sm90 implicit-GEMM kernels are 384-thread CTAs (a producer and two consumer
  // warpgroups) that take most of shared memory: one per SM (ops4_h100_ncu.csv).
  k.ctas_per_sm = (tm * tn >= 128 * 128 || p.implicit) ? 1 : 2;
  const double stage_bytes = static_cast<double>(tm + tn) * static_cast<double>(tk) * ib;
  const double smem_per_cta =
      static_cast<double>(spec.shared_memory_bytes) / static_cast<double>(k.ctas_per_sm);
  // Leave room for the epilogue's staging of a C tile slice (1/4 of the tile in fp32 at most 32 KiB).
  const double epilogue = std::min(32768.0, static_cast<double>(tm * tn) * 4.0 / 4.0);
  k.stages = std::min<int64_t>(8, static_cast<int64_t>((smem_per_cta - epilogue) / stage_bytes));
  if (k.stages < 2) {
    k.ctas = 0;
    return k;
  }
  k.ctas = p.batch * mt * nt * split;
  if (p.implicit) {
    // A grid larger than one wave becomes a persistent grid of 4-CTA clusters, each CTA walking
    // tiles in turn (30 clusters on an H100: grid (30, 4, 1) in ops4_h100_ncu.csv); before its
    // first tile streams, the kernel pays a setup that grows with the tile's accumulators.
    if (k.ctas > spec.sm_count) k.max_resident_ctas = spec.cluster4_ctas;
    k.setup_s = spec.calibration.conv_setup_s * static_cast<double>(tm * tn) / (128.0 * 128.0);
  }
  k.flops_per_cta = 2.0 * static_cast<double>(tm * tn) * static_cast<double>(kc);
  k.useful_flops = 2.0 * static_cast<double>(p.batch) * static_cast<double>(p.m) * static_cast<double>(p.n) *
                   static_cast<double>(p.k);
  if (simt) set_simt_issue(k, tm, tn, kc);
  // wgmma reads A once per 64-row warpgroup slice and B once per slice.
  k.smem_bytes_per_cta = simt ? 0.0
                              : static_cast<double>(k.k_iters) *
                                    static_cast<double>(tm + tn * ceil_div(tm, 64)) *
                                    static_cast<double>(tk) * ib;
  if (!simt && !p.aligned) set_mma_sync_smem(k, p, spec, ib);
  // wgmma reads 16-bit operands from shared memory in either major order, tf32 and 8-bit ones only
  // K-major (PTX ISA: the transpose of wgmma's smem operands exists for .f16/.bf16 alone). MN-major
  // operands of those types are transposed in shared memory before the MMAs read them: every
  // byte is read and written once more, by the warps that issue the MMAs (serial with them, as the
  // align1 kernels' staging). Without it the six TF32 sm90 wgrad kernels of random_ops_h100 seeds
  // 16-19 and 22 ran at 0.42-0.48 of the predicted rate; with it at 0.88-1.12 (validation/README.md).
  if (!simt && p.aligned && p.mn_major && workloads::dtype_bits(p.dtype) != 16) {
    k.smem_bytes_per_cta +=
        2.0 * static_cast<double>(k.k_iters) * static_cast<double>(tm + tn) * static_cast<double>(tk) * ib;
    k.serial_loads = true;
  }

  const double M = static_cast<double>(rows), N = static_cast<double>(cols), K = static_cast<double>(p.k);
  const double batch = static_cast<double>(p.batch);
  const double c_bytes = batch * M * N * ob;
  // Split-K: each split stores fp32 partials to the workspace; a separate reduce kernel
  // (make_splitk_reduce) reads them back.
  const double partial_bytes = split > 1 ? static_cast<double>(split) * batch * M * N * 4.0 : 0.0;
  // L2 traffic: every CTA loads its A and B panels (only the in-bounds part: TMA skips the
  // rest), stores its C tile, and split-K partials go through the workspace. Hopper kernels
  // launch CTAs in clusters of two along the tile's shorter side and TMA-multicast the panel of
  // the longer side to both (nvjet names: 128x256 ..._2x1, 256x128 ..._1x2): that panel is read
  // from L2 once per pair.
  const int64_t multicast = (tm >= tn ? nt : mt) >= 2 ? cluster_multicast(p, simt) : 1;
  double a_reads = tm >= tn ? 1.0 / static_cast<double>(multicast) : 1.0;
  double b_reads = tm >= tn ? 1.0 : 1.0 / static_cast<double>(multicast);
  if (p.implicit) {
    // cuDNN's 4-CTA clusters: 2 x 2 tiles, each operand panel read once per pair; a grid one tile
    // wide lines its cluster up along the other side, whose 4 CTAs share the one panel. (The L2
    // read sectors Nsight Compute counts for ops4's convs are 0.9-1.1x what this gives.)
    a_reads = mt >= 2 && nt >= 2 ? 0.5 : 1.0 / static_cast<double>(std::clamp<int64_t>(nt, 1, 4));
    b_reads = mt >= 2 && nt >= 2 ? 0.5 : 1.0 / static_cast<double>(std::clamp<int64_t>(mt, 1, 4));
  }
  const double panels = static_cast<double>(std::min(kc, p.k)) * ib * static_cast<double>(k.ctas);
  k.l2_bytes = panels * (std::min<double>(tm, M) * a_reads + std::min<double>(tn, N) * b_reads) + c_bytes +
               partial_bytes;
  k.sm_bytes = panels * (std::min<double>(tm, M) + std::min<double>(tn, N)) + c_bytes + partial_bytes;

  // DRAM reads: compulsory when the operands fit the L2 share; otherwise each wave fetches the
  // panels of the block of tiles it covers (the library rasterizes CTAs in square-ish blocks).
  // Operands as stored: A is the op's M x K input (or the conv input), B is K x N.
  const double a_bytes = p.a_dram_bytes >= 0 ? p.a_dram_bytes : static_cast<double>(p.m) * K * ib;
  const double b_bytes = static_cast<double>(p.n) * K * ib;
  const double b_total = p.b_shared ? b_bytes : batch * b_bytes;
  const double a_total = batch * a_bytes;
  const double compulsory = a_total + b_total;
  const double l2_share = static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  k.dram_read_bytes = compulsory;
  const int64_t wave_ctas = spec.sm_count * k.ctas_per_sm;
  if (compulsory + c_bytes > l2_share && mt * nt * split > wave_ctas) {
    // An implicit GEMM's A panel is a window of the input tensor, not the im2col matrix.
    const double a_scale = std::min(1.0, a_bytes / ((swapped ? K * N : M * K) * ib));
    const double per_wave =
        wave_panel_bytes(k, mt, nt, wave_ctas, swapped ? 1.0 : a_scale, swapped ? a_scale : 1.0) * K * ib;
    const double waves = static_cast<double>(mt * nt * split) / static_cast<double>(wave_ctas);
    k.dram_read_bytes = std::max(compulsory, batch * waves * per_wave);
  }
  // DRAM writes: L2 is write-back; dirty lines reach DRAM during the kernel only when the
  // kernel's footprint overflows the L2 share.
  const double footprint = compulsory + c_bytes + partial_bytes;
  k.written_bytes = c_bytes + partial_bytes;
  k.dram_write_bytes = std::clamp(footprint - l2_share, 0.0, c_bytes + partial_bytes);

  k.name = fmt::format("{}_{}_{}x{}_{}x{}", p.prefix,
                       simt        ? "simt"
                       : p.aligned ? "tc"
                                   : "mma_sync_unaligned",
                       tm, tn, tk, k.stages);
  if (split > 1) k.name += fmt::format("_splitk{}", split);
  if (swapped) k.name += "_t";
  return k;
}

Kernel make_splitk_reduce(const GemmProblem& p, const GpuSpec& spec, int64_t split) {
  StreamProblem r;
  r.name = fmt::format("{}_splitk_reduce", p.prefix);
  r.dtype = DType::fp32;
  const double mn = static_cast<double>(p.batch) * static_cast<double>(p.m) * static_cast<double>(p.n);
  r.read_bytes = static_cast<double>(split) * mn * 4.0;
  r.write_bytes = mn * output_bytes(p.dtype);
  r.flops = static_cast<double>(split) * mn;
  return make_stream_kernel(r, spec);
}

Kernel choose_gemm_kernel(const GemmProblem& p, const GpuSpec& spec) {
  const bool simt = spec.tensor_flops_per_clk(p.dtype) <= 0;
  // Largest first, so that ties keep the bigger tile (fewer CTAs, less L2 traffic).
  // The Hopper (nvjet) tile set as the measured kernel names show it: 64..256 rows (wgmma is
  // 64 rows per warpgroup) by 8..256 columns, up to 192x192 accumulators per CTA.
  static const std::pair<int64_t, int64_t> kTensorTiles[] = {
      {256, 128}, {128, 256}, {192, 192}, {192, 128}, {128, 192}, {128, 128}, {256, 64}, {192, 64},
      {96, 128},  {128, 96},  {128, 64},  {64, 128},  {64, 256},  {64, 192},  {96, 64},  {128, 32},
      {64, 64},   {128, 16},  {64, 32},   {64, 16},   {128, 8},   {64, 8}};
  // SIMT tiles as the measured names show them (tilesize128x128x8 ... 32x32x8).
  static const std::pair<int64_t, int64_t> kSimtTiles[] = {{128, 128}, {128, 64}, {64, 64}, {32, 32}};
  // Rows not 16-byte aligned leave the TMA/wgmma kernels for CUTLASS 2.x mma.sync kernels
  // (cutlass_75/80_tensorop_*_align1/2 in the measured names): 128x128 and 256x128 CTA tiles,
  // 64x64 only for a thin operand; small grids are filled by split-K (+ splitKreduce), not
  // by smaller tiles.
  // CUTLASS 2.x fallbacks; the 32x32 ones are the wmma kernels cuBLASLt takes for one GEMM
  // whose sides are all below ~520 (cutlass_75_wmma_tensorop_..._32x32 in ops_h100.csv and
  // ops3_h100.csv), and only then.
  static const std::pair<int64_t, int64_t> kUnalignedTiles[] = {
      {256, 128}, {128, 256}, {128, 128}, {64, 64}, {32, 32}};
  static const int64_t kSplits[] = {1, 2, 3, 4, 6, 8, 12, 16};
  constexpr double kTieTolerance = 0.01;
  Kernel best;
  bool found = false;
  double best_s = 0, best_padded = 0;
  auto consider = [&](const GemmProblem& q, int64_t tm, int64_t tn, int64_t split, bool swapped) {
    Kernel k = make_gemm_kernel(q, spec, tm, tn, split, swapped);
    if (k.ctas == 0) return;
    double s = arch::gpu::time_kernel_at(spec, k, arch::gpu::LaunchMode::isolated, spec.max_clock_hz).seconds;
    if (split > 1 && !p.implicit)
      s += arch::gpu::time_kernel_at(spec, make_splitk_reduce(p, spec, split), arch::gpu::LaunchMode::graph,
                                     spec.max_clock_hz)
               .seconds;
    // Times within 1 % are a tie (the library's heuristic does not resolve them, nor does the
    // model): the tile that pads the problem least, as cuBLAS's 64x64 for a 64x64 batch entry;
    // then the bigger tile (listed first), not the grid of the most small CTAs.
    const double padded = k.flops_per_cta * static_cast<double>(k.ctas);
    const bool tie = found && std::abs(s - best_s) <= best_s * kTieTolerance;
    if (!found || (!tie && s < best_s) || (tie && padded < best_padded * (1.0 - 1e-9))) {
      found = true;
      best = std::move(k);
      best_s = s;
      best_padded = padded;
    }
  };
  for (bool swapped : {false, true}) {
    if (simt) {
      // cuBLASLt splits the reduction of a SIMT GEMM too where its tiles leave SMs idle
      // (splitKreduce_kernel after sm80_xmma_gemm_f32f32_* in random_ops_h100.csv's fp32 rows).
      for (auto [tm, tn] : kSimtTiles) {
        const int64_t tiles = p.batch * ceil_div(swapped ? p.n : p.m, tm) * ceil_div(swapped ? p.m : p.n, tn);
        for (int64_t split : kSplits) {
          if (split > 1 && (tiles >= spec.sm_count || p.implicit || p.k / split < 4 * 8)) continue;
          consider(p, tm, tn, split, swapped);
        }
      }
      continue;
    }
    const int64_t rows = swapped ? p.n : p.m, cols = swapped ? p.m : p.n;
    if (!p.aligned) {
      for (auto [tm, tn] : kUnalignedTiles) {
        if (tm == 64 && std::min(rows, cols) > 64) continue;
        // Scalar-load (align1) kernels: cuBLASLt takes 128x128 for 13 of the 15 measured ones.
        if (tm * tn > 128 * 128 && p.align_elems <= 1) continue;
        const bool wmma = p.batch == 1 && std::max(rows, cols) <= 520;  // (batched: 128x128, ops_h100.csv)
        if ((tm == 32) != wmma) continue;
        const int64_t tiles = p.batch * ceil_div(rows, tm) * ceil_div(cols, tn);
        for (int64_t split : kSplits) {
          if (split > 1 && (tiles >= spec.sm_count || p.k / split < 4 * 32)) continue;
          consider(p, tm, tn, split, swapped);
        }
      }
      continue;
    }
    // cuDNN's sm90 implicit-GEMM convolutions come in fewer tiles (tilesize64x64x64 ...
    // 128x256x64 in the measured names) and mostly run the whole reduction in one CTA
    // ("segment_k_off"): a small grid stays small instead of being split along K. Only very
    // long reductions are cut into segments ("segment_k_on", reduced in the kernel through a
    // workspace), each of at least ~96 K-steps: the calibration rows with segment_k_on at 72
    // and 108 steps (conv2d C=512 3x3, conv3d C=256 3x3x3) run unsplit.
    static const std::pair<int64_t, int64_t> kConvTiles[] = {{128, 256}, {256, 128}, {128, 128}, {256, 64},
                                                             {128, 64},  {64, 128},  {64, 64}};
    const int64_t step_k = static_cast<int64_t>(128.0 / element_bytes(p.dtype));
    const int64_t min_split_steps = p.implicit ? 96 : 4;
    for (auto [tm, tn] : p.implicit ? std::span<const std::pair<int64_t, int64_t>>(kConvTiles)
                                    : std::span<const std::pair<int64_t, int64_t>>(kTensorTiles)) {
      const int64_t tiles = p.batch * ceil_div(rows, tm) * ceil_div(cols, tn);
      for (int64_t split : kSplits) {
        // Split-K only where the tiles alone would leave at least half the SMs idle (of the
        // random sets' nvjet GEMMs with K >= 1024, none of 63 grids over 66 tiles split, 25 of
        // 54 at or under it did) and each split keeps enough K-steps.
        if (split > 1 && (2 * tiles > spec.sm_count || p.k / split < min_split_steps * step_k)) continue;
        consider(p, tm, tn, split, swapped);
        // The half-depth K-step, where a tap's channels are not whole full steps (it halves the
        // padding: 16 channels run 9 steps of 32 instead of 64).
        if (p.implicit && p.taps > 0 && (p.k / p.taps) % step_k != 0) {
          GemmProblem half = p;
          half.tile_k = step_k / 2;
          consider(half, tm, tn, split, swapped);
        }
      }
    }
  }
  return best;
}

}  // namespace orrery::mappers::gpu
