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

// A row-per-block ATen kernel: `ctas` blocks of `threads`, streaming `read`/`write` bytes.
Kernel row_kernel(const char* name, DType dtype, int64_t ctas, int64_t threads, double read, double write,
                  double flops, const arch::gpu::GpuSpec& spec) {
  StreamProblem p;
  p.name = name;
  p.dtype = dtype;
  p.read_bytes = read;
  p.write_bytes = write;
  p.flops = flops;
  p.max_ctas = std::max<int64_t>(1, ctas);
  Kernel k = make_stream_kernel(p, spec);
  k.ctas_per_sm =
      std::clamp<int64_t>(spec.max_threads_per_sm / std::max<int64_t>(32, threads), 1, spec.max_ctas_per_sm);
  return k;
}

GpuMapping one(Kernel k, const char* note) {
  GpuMapping m;
  m.kernels.push_back(std::move(k));
  m.note = note;
  return m;
}

}  // namespace

GpuMapping map_softmax_pytorch(int64_t rows, int64_t cols, DType dtype, const arch::gpu::GpuSpec& spec) {
  const double e = elem(dtype), bytes = static_cast<double>(rows * cols) * e;
  const double flops = 5.0 * static_cast<double>(rows * cols);
  if (cols <= 1024 && static_cast<double>(cols) * e <= 4096.0) {
    // dispatch_softmax_forward: 128-thread blocks of warps, each warp a row (two if <= 128).
    const int64_t width = std::min<int64_t>(next_pow2(cols), 32);
    const int64_t per_warp = next_pow2(cols) <= 128 ? 2 : 1;
    const int64_t rows_per_block = (128 / width) * per_warp;
    Kernel k = row_kernel("softmax_warp_forward", dtype, ceil_div(rows, rows_per_block), 128, bytes, bytes,
                          flops, spec);
    k.row_per_cta = false;  // many rows per block, loads of the next rows in flight
    return one(std::move(k), "ATen softmax_warp_forward (rows in registers)");
  }
  // SoftMax_getBlockSize: ILP = 16 bytes of elements, block = next power of two of cols / ILP, at
  // most 1024 threads; a thread owns ceil(cols / (block x ILP)) vectors per pass.
  const int64_t ilp = std::max<int64_t>(1, static_cast<int64_t>(16.0 / e));
  const int64_t block = std::clamp<int64_t>(next_pow2(std::max<int64_t>(1, cols / ilp)), 32, 1024);
  const int64_t vectors = std::max<int64_t>(1, ceil_div(cols, block * ilp));
  constexpr double kDefaultSmemPerBlock = 48.0 * 1024.0;
  const double reduction_smem = static_cast<double>(block / 32) * 4.0 * 2.0;
  if (static_cast<double>(cols) * e < kDefaultSmemPerBlock - reduction_smem) {
    Kernel k = row_kernel("cunn_SoftMaxForwardSmem", dtype, rows, block, bytes, bytes, flops, spec);
    // The row's loads issue together; two block reductions (max, sum) and the write follow.
    k.dependent_accesses = 3 + vectors;
    return one(std::move(k), "ATen cunn_SoftMaxForwardSmem (row in shared memory)");
  }
  // Three passes; rows in flight (one block per SM slot) keep their row in the L2 between passes
  // when they fit its resident share.
  Kernel k = row_kernel("cunn_SoftMaxForward", dtype, rows, block, 3.0 * bytes, bytes, flops, spec);
  const double in_flight =
      static_cast<double>(std::min(rows, spec.sm_count * k.ctas_per_sm)) * static_cast<double>(cols) * e;
  const bool rereads_hit =
      in_flight <= static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  k.dram_read_bytes = rereads_hit ? bytes : 3.0 * bytes;
  k.dependent_accesses = 2 + 3 * vectors;
  return one(std::move(k), "ATen cunn_SoftMaxForward (three passes over each row)");
}

GpuMapping map_layer_norm_pytorch(int64_t rows, int64_t cols, bool rms, DType dtype,
                                  const arch::gpu::GpuSpec& spec) {
  const double e = elem(dtype);
  const int64_t vec = std::max<int64_t>(1, static_cast<int64_t>(16.0 / e));
  if (cols % vec == 0) {
    GpuMapping m = one(layer_norm_rows(rows, cols, dtype, spec), "");
    m.note = rms ? "ATen vectorized_layer_norm_kernel (rms_norm)" : "ATen vectorized_layer_norm_kernel";
    return m;
  }
  const double bytes = static_cast<double>(rows * cols) * e;
  // RowwiseMomentsCUDAKernel: a 512-thread block per row, Welford over it, mean and rstd out.
  Kernel moments = row_kernel("RowwiseMomentsCUDAKernel", dtype, rows, 512, bytes,
                              static_cast<double>(rows) * 8.0, 3.0 * static_cast<double>(rows * cols), spec);
  moments.dependent_accesses = 3 + ceil_div(cols, 512);
  // LayerNormForwardCUDAKernel: a 512-thread block per row, (x - mean) * rstd * gamma (+ beta).
  Kernel forward =
      row_kernel("LayerNormForwardCUDAKernel", dtype, rows, 512,
                 bytes + static_cast<double>(rows) * 8.0 + static_cast<double>(cols) * e * (rms ? 1 : 2),
                 bytes, 3.0 * static_cast<double>(rows * cols), spec);
  forward.dependent_accesses = 1 + ceil_div(cols, 512);
  GpuMapping m;
  m.kernels = {moments, forward};
  m.note = std::string("ATen RowwiseMoments + LayerNormForward (row not a whole number of 16-byte vectors)") +
           (rms ? ", rms_norm" : "");
  return m;
}

}  // namespace orrery::mappers::gpu
