#include "mappers/gpu/torch_loss_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/checked_math.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"
#include "mappers/gpu/torch_row_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Kernel;
using workloads::DType;

namespace {

double elem(DType dt) { return static_cast<double>(workloads::dtype_bits(dt)) / 8.0; }

// `ctas` blocks of `threads` threads moving `read` / `write` bytes.
Kernel grid_kernel(std::string name, DType dtype, int64_t ctas, int64_t threads, double read, double write,
                   double flops, const arch::gpu::GpuSpec& spec) {
  return fixed_grid_stream_kernel(std::move(name), dtype, ctas, threads, read, write, flops, spec, false);
}

// at::fill_ (vectorized_elementwise_kernel<FillFunctor>): a grid-stride store of `bytes`.
Kernel fill(const char* what, DType dtype, double bytes, const arch::gpu::GpuSpec& spec) {
  StreamProblem p;
  p.name = std::string("vectorized_elementwise_kernel<FillFunctor> (") + what + ")";
  p.dtype = dtype;
  p.write_bytes = bytes;
  return make_stream_kernel(p, spec);
}

// nll_loss_threads (Loss.cu): 2^round(log2(rows / 16)) threads, clamped to 32..1024.
int64_t nll_loss_threads(int64_t rows) {
  const double lg = std::round(std::log2(std::max(1.0, static_cast<double>(rows) / 16.0)));
  return std::clamp<int64_t>(int64_t{1} << static_cast<int>(std::min(lg, 20.0)), 32, 1024);
}

int64_t log2_ceil(int64_t n) {
  int64_t l = 0;
  while ((int64_t{1} << l) < n) ++l;
  return l;
}

// The one-block NLL kernels: `threads` threads stride over the rows; each iteration loads the
// target and then touches the element it names (a dependent DRAM round trip on cold data).
Kernel nll_kernel(const char* name, DType dtype, int64_t rows, double read, double write, bool reduce,
                  const arch::gpu::GpuSpec& spec) {
  const int64_t threads = nll_loss_threads(rows);
  Kernel k = grid_kernel(name, dtype, 1, threads, read, write, static_cast<double>(rows), spec);
  k.dram_round_trips = ceil_div(rows, threads);
  // The forward's tree reduction over the block: a barrier and a shared-memory step per level.
  k.dependent_accesses = reduce ? log2_ceil(threads) / 2 : 0;
  return k;
}

}  // namespace

GpuMapping map_cross_entropy_pytorch(const workloads::Op& op, const workloads::CrossEntropyParams& c,
                                     const arch::gpu::GpuSpec& spec) {
  const double e = elem(op.dtype);
  const double rows = static_cast<double>(c.rows);
  const double table = rows * static_cast<double>(c.classes) * e;
  GpuMapping m;
  if (!c.backward) {
    m = map_softmax_pytorch(c.rows, c.classes, op.dtype, spec, /*log=*/true);
    // Reads each row's int64 target and the log-probability it names; writes the mean (and the
    // total weight).
    m.kernels.push_back(nll_kernel("nll_loss_forward_reduce_cuda_kernel_2d", op.dtype, c.rows,
                                   rows * (8.0 + 32.0), 2.0 * e, true, spec));
    m.note = "F.cross_entropy: log_softmax (" + m.kernels.front().name +
             ") + nll_loss_forward_reduce_cuda_kernel_2d (one block walking the rows)";
    return m;
  }
  // The gradient log_softmax's backward reads is grad_input, zeroed and scattered into just
  // before: still in the L2 where it fits the resident share.
  const bool grad_in_l2 = table <= static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  GpuMapping sm = map_softmax_backward_pytorch(c.rows, c.classes, op.dtype, spec, /*log=*/true, grad_in_l2);
  m.kernels.push_back(fill("ones: the loss gradient", op.dtype, e, spec));
  m.kernels.push_back(fill("zeros: grad_input", op.dtype, table, spec));
  // One scattered store per row (a 32-byte sector each).
  m.kernels.push_back(nll_kernel("nll_loss_backward_reduce_cuda_kernel_2d", op.dtype, c.rows, rows * 8.0,
                                 rows * 32.0, false, spec));
  for (auto& k : sm.kernels) m.kernels.push_back(std::move(k));
  m.note = "cross_entropy backward: fill(1), fill(0), nll_loss_backward, " + m.kernels.back().name;
  return m;
}

GpuMapping map_embedding_pytorch(const workloads::Op& op, const workloads::EmbeddingParams& emb,
                                 const arch::gpu::GpuSpec& spec) {
  const double e = elem(op.dtype);
  const double tokens = static_cast<double>(emb.lookups), dim = static_cast<double>(emb.dim);
  const double row = dim * e, rows = tokens * row;
  // T indices drawn uniformly from V rows name U = V (1 - (1 - 1/V)^T) distinct rows.
  const double vocab = static_cast<double>(emb.vocab);
  const double unique = std::min(tokens, vocab * (1.0 - std::pow(1.0 - 1.0 / vocab, tokens)));
  // A gather reads each distinct row from DRAM once where they all fit the L2; repeats hit it.
  const double gathered_dram =
      unique * row <= static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction
          ? unique * row
          : rows;
  GpuMapping m;
  if (!emb.backward) {
    if (emb.lookups <= 16) {
      // indexSelectSmallIndex: min(ceil(dim / 128), SMs x 8) blocks of min(dim, 128) threads, every
      // block walking all the indices: per index the index, then its slice (a round trip each).
      const int64_t threads = std::min<int64_t>(emb.dim, 128);
      const int64_t ctas = std::min<int64_t>(ceil_div(emb.dim, 128), spec.sm_count * 8);
      Kernel k =
          grid_kernel("indexSelectSmallIndex", op.dtype, ctas, threads, rows + tokens * 8.0, rows, 0, spec);
      k.dram_round_trips = emb.lookups;
      m.kernels.push_back(std::move(k));
      m.note = "index_select: indexSelectSmallIndex (<= 16 indices)";
      return m;
    }
    if (static_cast<int64_t>(row) % 16 == 0) {
      // vectorized_gather_kernel<16>: grid (indices, ceil(row / 4 KiB)), blocks of
      // min(256, ceil(row / 16) rounded up to a warp) threads: the index, then the row.
      const int64_t vecs = static_cast<int64_t>(row) / 16;
      const int64_t threads = std::min<int64_t>(256, ceil_div(vecs, 32) * 32);
      const int64_t grid_y = ceil_div(vecs, 256);
      Kernel k = grid_kernel("vectorized_gather_kernel", op.dtype, emb.lookups * grid_y, threads,
                             rows + tokens * 8.0, rows, 0, spec);
      k.dram_read_bytes = gathered_dram + tokens * 8.0;
      k.wave_round_trip = true;  // the index
      k.dram_round_trips = 1;    // the row it names
      m.kernels.push_back(std::move(k));
      m.note = "index_select: vectorized_gather_kernel (a block per index)";
      return m;
    }
    // _scatter_gather_elementwise_kernel: TensorIterator's gather, 4 elements per thread of 128,
    // the index then the element (unvectorized, with its offset arithmetic).
    const int64_t numel = emb.lookups * emb.dim;
    Kernel k = generic_elementwise("_scatter_gather_elementwise_kernel", numel, rows + tokens * 8.0, rows, 3,
                                   op.dtype, spec);
    k.dram_read_bytes = gathered_dram + tokens * 8.0;
    k.wave_round_trip = true;
    k.dram_round_trips = 1;
    m.kernels.push_back(std::move(k));
    m.note = "index_select: _scatter_gather_elementwise_kernel (rows not 16-byte vectors)";
    return m;
  }
  const double weight = static_cast<double>(emb.vocab) * row;
  if (emb.lookups <= 3072) {
    m.kernels.push_back(fill("zeros: grad_weight", op.dtype, weight, spec));
    // embedding_backward_feature_kernel: a (32, 32) block per 32 columns, every block walking
    // all the indices in batches of 1024 (loaded to shared memory); each warp takes every 32nd
    // index: its gradient slice, then the weight-gradient slice it adds into (both on cold lines).
    const int64_t ctas = ceil_div(emb.dim, 32);
    Kernel k = grid_kernel("embedding_backward_feature_kernel", op.dtype, ctas, 1024,
                           rows + tokens * 8.0 + rows, rows, tokens * dim, spec);
    k.dram_round_trips = 2 * ceil_div(emb.lookups, 32) + ceil_div(emb.lookups, 1024);
    k.dependent_accesses = ceil_div(emb.lookups, 32);  // the warp's duplicate-index vote per step
    m.kernels.push_back(std::move(k));
    m.note =
        "embedding_dense_backward: zero grad_weight, embedding_backward_feature_kernel (<= 3072 indices)";
    return m;
  }
  // The sort-based path (embedding_backward_cuda_kernel): every kernel a launch of its own, most
  // of them small: their time is their round trips.
  const double keys = tokens * 8.0;
  auto small = [&](std::string name, double read, double write, int64_t trips, int64_t dependent,
                   bool memset = false) {
    Kernel k = grid_kernel(std::move(name), DType::int8, std::max<int64_t>(1, ceil_div(emb.lookups, 4096)),
                           256, read, write, 0, spec);
    k.ctas = std::max<int64_t>(1, ceil_div(emb.lookups, 4096));
    k.dram_round_trips = trips;
    k.dependent_accesses = dependent;
    k.memset = memset;
    m.kernels.push_back(std::move(k));
  };
  small("elementwise_kernel_with_index (arange)", 0, keys, 0, 0);
  small("memset (cub temporary)", 0, 1024, 0, 0, true);
  small("memset (cub temporary)", 0, 1024, 0, 0, true);
  small("DeviceRadixSortHistogramKernel", keys, 8 * 256 * 4, 1, 2);
  small("DeviceRadixSortExclusiveSumKernel", 8 * 256 * 4, 8 * 256 * 4, 1, 2);
  // 64-bit keys, 8 bits per onesweep pass: load the tile, rank it, look back over the earlier
  // tiles' counts (through the L2), scatter keys and values.
  for (int pass = 0; pass < 8; ++pass) {
    small("memset (onesweep look-back state)", 0, 1024, 0, 0, true);
    small("DeviceRadixSortOnesweepKernel", 2 * keys, 2 * keys, 2, 4);
  }
  m.kernels.push_back(fill("zeros: grad_weight", op.dtype, weight, spec));
  small("DeviceCompactInitKernel", 0, 64, 0, 0);
  small("DeviceUniqueByKeySweepKernel", 2 * keys, 2 * keys, 1, 4);
  small("krn_partials_per_segment", keys, keys, 1, 0);
  small("DeviceScanInitKernel", 0, 64, 0, 0);
  small("DeviceScanKernel", keys, keys, 1, 4);
  small("compute_num_of_partial_segments", keys, 8, 1, 0);
  small("krn_partial_segment_offset", 2 * keys, keys, 1, 0);
  // compute_grad_weight: a warp per partial segment (up to NROWS_PER_THREAD = 10 rows of one
  // index, EmbeddingBackwardKernel.cu) sums its gradient rows (indices through the sorted order:
  // index, then row) into an fp32 partial; sum_and_scatter adds each index's partials into its
  // grad_weight row. The partials are one per segment, not per token: with T indices drawn
  // uniformly from V rows, U = V (1 - (1 - 1/V)^T) of them distinct, each starting a segment and
  // every further 10 rows another.
  constexpr double kRowsPerSegment = 10;
  const double segments = std::min(tokens, unique + (tokens - unique) / kRowsPerSegment);
  const auto segment_ctas = static_cast<int64_t>(std::ceil(segments * dim / 1024.0));
  Kernel cgw = grid_kernel("compute_grad_weight", op.dtype, segment_ctas, 1024, rows + 2 * keys,
                           segments * dim * 4.0, tokens * dim, spec);
  cgw.wave_round_trip = true;
  cgw.dram_round_trips = 2;
  m.kernels.push_back(std::move(cgw));
  Kernel sas = grid_kernel("sum_and_scatter", op.dtype, segment_ctas, 1024, segments * dim * 4.0 + keys,
                           unique * row, segments * dim, spec);
  sas.wave_round_trip = true;
  sas.dram_round_trips = 1;
  m.kernels.push_back(std::move(sas));
  m.note =
      "embedding_dense_backward: sort-based path (radix sort, unique, segment scans, compute_grad_weight, "
      "sum_and_scatter)";
  return m;
}

}  // namespace orrery::mappers::gpu
