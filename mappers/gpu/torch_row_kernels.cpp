#include "mappers/gpu/torch_row_kernels.hpp"

#include <algorithm>

#include "common/checked_math.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Kernel;
using workloads::DType;

namespace {

int64_t next_pow2(int64_t n) {
  int64_t p = 1;
  while (p < n) p *= 2;
  return p;
}

double elem(DType dt) { return static_cast<double>(workloads::dtype_bits(dt)) / 8.0; }

// A block reduction (warp shuffles, a shared-memory exchange between barriers, a last warp's
// shuffles, the broadcast): about two dependent shared-memory round trips and barriers.
constexpr int64_t kBlockReductionSteps = 2;

// A row-per-block ATen kernel: `ctas` blocks of `threads`, streaming `read`/`write` bytes.
Kernel row_kernel(const char* name, DType dtype, int64_t ctas, int64_t threads, double read, double write,
                  double flops, const arch::gpu::GpuSpec& spec) {
  return fixed_grid_stream_kernel(name, dtype, ctas, threads, read, write, flops, spec, true);
}

GpuMapping one(Kernel k, const char* note) {
  GpuMapping m;
  m.kernels.push_back(std::move(k));
  m.note = note;
  return m;
}

}  // namespace

GpuMapping map_softmax_pytorch(int64_t rows, int64_t cols, DType dtype, const arch::gpu::GpuSpec& spec,
                               bool log) {
  const double e = elem(dtype), bytes = static_cast<double>(rows * cols) * e;
  const double flops = 5.0 * static_cast<double>(rows * cols);
  // Exps on the SFUs: one per element for the sum, one more in softmax's epilogue (log_softmax
  // subtracts the log of the sum instead).
  const double exps_per_row = static_cast<double>(cols) * (log ? 1.0 : 2.0);
  const std::string suffix = log ? "<LogSoftMaxForwardEpilogue>" : "";
  if (cols <= 2048 && static_cast<double>(cols) * e <= 8192.0) {
    // dispatch_softmax_forward: 128-thread blocks of warps, each warp a row (two if <= 128), the
    // row in registers. Not persistent: each warp loads its rows at once, reduces and stores, so
    // every wave of blocks waits one round trip before its bytes stream.
    const int64_t width = std::min<int64_t>(next_pow2(cols), 32);
    const int64_t per_warp = next_pow2(cols) <= 128 ? 2 : 1;
    const int64_t rows_per_block = (128 / width) * per_warp;
    Kernel k = row_kernel("softmax_warp_forward", dtype, ceil_div(rows, rows_per_block), 128, bytes, bytes,
                          flops, spec);
    k.name += suffix;
    k.row_per_cta = false;
    k.wave_round_trip = true;
    k.sfu_ops_per_cta = exps_per_row * static_cast<double>(rows_per_block);
    // Each lane holds WARP_ITERATIONS = next_pow2(cols) / 32 elements of its row; their loads
    // wait in pairs (a dependent access per two elements: a tiny row of 2,048 bf16 takes ~12.8
    // us, ~8 us more than one of 64). The pairing was chosen among one, two and four elements a
    // wait on the development set (seed 15: 14.8 -> 9.5 %; the other four sets 16.9 -> 8.7 %).
    k.dependent_accesses = std::max<int64_t>(1, next_pow2(cols) / 32 / 2);
    return one(std::move(k), "ATen softmax_warp_forward (rows in registers)");
  }
  // SoftMaxForward_getBlockSize: min(cols, 1024) threads rounded up to whole warps; ILP = 16
  // bytes of elements per vector.
  const int64_t ilp = std::max<int64_t>(1, static_cast<int64_t>(16.0 / e));
  const int64_t block = std::min<int64_t>(ceil_div(std::min<int64_t>(cols, 1024), 32) * 32, 1024);
  const int64_t reg_cnt = ceil_div(cols, block);
  if (reg_cnt < 10) {
    // cunn_SoftMaxForwardReg<reg_cnt>: each thread loads its reg_cnt scalars at once (one round
    // trip), two block reductions, then the stores: one read, one write, a round trip per wave.
    Kernel k = row_kernel("cunn_SoftMaxForwardReg", dtype, rows, block, bytes, bytes, flops, spec);
    k.name += suffix;
    k.row_per_cta = false;
    k.wave_round_trip = true;
    k.dependent_accesses = 2 * kBlockReductionSteps;
    k.sfu_ops_per_cta = exps_per_row;
    return one(std::move(k), "ATen cunn_SoftMaxForwardReg (row in registers)");
  }
  const int64_t vectors = std::max<int64_t>(1, ceil_div(cols, block * ilp));
  constexpr double kDefaultSmemPerBlock = 48.0 * 1024.0;
  const double reduction_smem = static_cast<double>(block / 32) * 4.0;
  if (static_cast<double>(cols) * e < kDefaultSmemPerBlock - reduction_smem && cols % ilp == 0) {
    Kernel k = row_kernel("cunn_SoftMaxForwardSmem", dtype, rows, block, bytes, bytes, flops, spec);
    k.name += suffix;
    // The row's first pass is a loop of vector loads from DRAM (each iteration waits its load:
    // a round trip per vector a thread owns), then two block reductions over shared memory.
    k.dram_round_trips = vectors;
    k.dependent_accesses = 2 * kBlockReductionSteps;
    k.sfu_ops_per_cta = exps_per_row;
    return one(std::move(k), "ATen cunn_SoftMaxForwardSmem (row in shared memory)");
  }
  // cunn_SoftMaxForward: three passes (max, sum of exps, write); the first loads the row from
  // DRAM a vector per thread per iteration, the re-reads come from the L2 while the rows in
  // flight fit it, from DRAM otherwise.
  Kernel k = row_kernel("cunn_SoftMaxForward", dtype, rows, block, 3.0 * bytes, bytes, flops, spec);
  k.name += suffix;
  const double in_flight =
      static_cast<double>(std::min(rows, spec.sm_count * k.ctas_per_sm)) * static_cast<double>(cols) * e;
  const bool rereads_hit =
      in_flight <= static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  k.dram_read_bytes = rereads_hit ? bytes : 3.0 * bytes;
  k.dram_round_trips = rereads_hit ? vectors : 3 * vectors;
  k.dependent_accesses = 2 * kBlockReductionSteps + (rereads_hit ? 2 * vectors : 0);
  k.sfu_ops_per_cta = exps_per_row;
  return one(std::move(k), "ATen cunn_SoftMaxForward (three passes over each row)");
}

GpuMapping map_softmax_backward_pytorch(int64_t rows, int64_t cols, DType dtype,
                                        const arch::gpu::GpuSpec& spec, bool log, bool grad_in_l2) {
  // host_softmax_backward: reads the forward's output and the incoming gradient, writes dX;
  // log_softmax's backward takes an exp per element.
  const double e = elem(dtype), bytes = static_cast<double>(rows * cols) * e;
  const double flops = 3.0 * static_cast<double>(rows * cols);
  const double exps_per_row = log ? static_cast<double>(cols) : 0.0;
  const std::string suffix = log ? "<LogSoftMaxBackwardEpilogue>" : "";
  if (cols <= 1024 && static_cast<double>(cols) * e <= 4096.0) {
    const int64_t width = std::min<int64_t>(next_pow2(cols), 32);
    const int64_t per_warp = next_pow2(cols) <= 128 ? 2 : 1;
    const int64_t rows_per_block = (128 / width) * per_warp;
    Kernel k = row_kernel("softmax_warp_backward", dtype, ceil_div(rows, rows_per_block), 128, 2.0 * bytes,
                          bytes, flops, spec);
    if (grad_in_l2) k.dram_read_bytes = bytes;
    k.name += suffix;
    k.row_per_cta = false;
    k.wave_round_trip = true;
    k.sfu_ops_per_cta = exps_per_row * static_cast<double>(rows_per_block);
    return one(std::move(k), "ATen softmax_warp_backward (rows in registers)");
  }
  // SoftMax_getBlockSize(ILP, cols): the power of two reaching min(cols / ILP, 1024) / 2.
  const int64_t ilp = std::max<int64_t>(1, static_cast<int64_t>(16.0 / e));
  const int64_t block = std::clamp<int64_t>(next_pow2(std::min<int64_t>(cols / ilp, 1024) / 2), 32, 1024);
  const int64_t vectors = std::max<int64_t>(1, ceil_div(cols, block * ilp));
  constexpr double kDefaultSmemPerBlock = 48.0 * 1024.0;
  if (static_cast<double>(cols) * e < kDefaultSmemPerBlock - static_cast<double>(block) * 4.0 &&
      cols % ilp == 0) {
    // cunn_SoftMaxBackwardSmem: the gradient row cached in shared memory by the sum pass.
    Kernel k = row_kernel("cunn_SoftMaxBackwardSmem", dtype, rows, block, 2.0 * bytes, bytes, flops, spec);
    k.name += suffix;
    // The gradient's pass, then the output's: each iteration waits its load, from the L2 where
    // the gradient was just written there, else from DRAM.
    k.dram_round_trips = grad_in_l2 ? vectors : 2 * vectors;
    k.dependent_accesses = 2 * kBlockReductionSteps + (grad_in_l2 ? vectors : 0);
    if (grad_in_l2) k.dram_read_bytes = bytes;
    k.sfu_ops_per_cta = exps_per_row;
    return one(std::move(k), "ATen cunn_SoftMaxBackwardSmem");
  }
  // cunn_SoftMaxBackward: a sum pass over the gradient, then a pass reading the output and the
  // gradient again (from the L2 while the rows in flight fit it) and writing dX.
  Kernel k = row_kernel("cunn_SoftMaxBackward", dtype, rows, block, 3.0 * bytes, bytes, flops, spec);
  k.name += suffix;
  const double in_flight =
      static_cast<double>(std::min(rows, spec.sm_count * k.ctas_per_sm)) * static_cast<double>(cols) * e;
  const bool rereads_hit =
      in_flight <= static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  k.dram_read_bytes = (grad_in_l2 ? 0.0 : bytes) + (rereads_hit || grad_in_l2 ? 1.0 : 2.0) * bytes;
  k.dram_round_trips = grad_in_l2 ? vectors : 2 * vectors;
  k.dependent_accesses = 2 * kBlockReductionSteps + (grad_in_l2 ? vectors : 0);
  k.sfu_ops_per_cta = exps_per_row;
  return one(std::move(k), "ATen cunn_SoftMaxBackward (a sum pass, then the write pass)");
}

GpuMapping map_layer_norm_pytorch(int64_t rows, int64_t cols, bool rms, DType dtype,
                                  const arch::gpu::GpuSpec& spec) {
  const double e = elem(dtype);
  if (cols % kLayerNormVectorElems == 0) {
    GpuMapping m = one(layer_norm_rows(rows, cols, dtype, spec, rms), "");
    m.note = rms ? "ATen vectorized_layer_norm_kernel (rms_norm)" : "ATen vectorized_layer_norm_kernel";
    return m;
  }
  const double bytes = static_cast<double>(rows * cols) * e;
  // kCUDANumThreads = 256 per block, one block per row, each thread striding over the row one
  // scalar at a time (8 blocks per SM).
  constexpr int64_t kThreads = 256;
  const int64_t iterations = ceil_div(cols, kThreads);
  // RowwiseMomentsCUDAKernel: Welford over the row (its loads wait their DRAM round trip on the
  // cold input, four iterations' at a time), a block Welford reduction
  // (kWelfordMomentsLaneOpsPerThread), mean and rstd out.
  constexpr int64_t kMomentsUnroll = 4;
  Kernel moments = row_kernel("RowwiseMomentsCUDAKernel", dtype, rows, kThreads, bytes,
                              static_cast<double>(rows) * 8.0, 3.0 * static_cast<double>(rows * cols), spec);
  moments.chain_carries_traffic = true;
  // The loop stores nothing, so the compiler unrolls it by 4 and issues those loads together.
  moments.dram_round_trips = ceil_div(iterations, kMomentsUnroll);
  moments.dependent_accesses = 2;
  moments.lane_ops_per_cta =
      static_cast<double>(kThreads) * kWelfordMomentsLaneOpsPerThread + 12.0 * static_cast<double>(cols);
  // LayerNormForwardCUDAKernel: (x - mean) * rstd * gamma (+ beta), a scalar per thread per
  // iteration, each waiting its loads: from DRAM while gamma and beta are cold (a single wave of
  // rows, all starting together) or the input no longer fits the L2, else from the L2.
  Kernel forward =
      row_kernel("LayerNormForwardCUDAKernel", dtype, rows, kThreads,
                 bytes + static_cast<double>(rows) * 8.0 + static_cast<double>(cols) * e * (rms ? 1 : 2),
                 bytes, 3.0 * static_cast<double>(rows * cols), spec);
  forward.chain_carries_traffic = true;
  const bool one_wave = rows <= spec.sm_count * forward.ctas_per_sm;
  const bool x_in_l2 = bytes <= static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  if (one_wave || !x_in_l2)
    forward.dram_round_trips = iterations;
  else
    forward.dependent_accesses = iterations;
  if (x_in_l2) forward.dram_read_bytes -= bytes;  // the moments kernel just read it
  GpuMapping m;
  m.kernels = {moments, forward};
  m.note =
      std::string("ATen RowwiseMoments + LayerNormForward (row not a whole number of 4-element vectors)") +
      (rms ? ", rms_norm" : "");
  return m;
}

}  // namespace orrery::mappers::gpu
