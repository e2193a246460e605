#include "mappers/gpu/spmm_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/checked_math.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Engine;
using arch::gpu::Kernel;
using workloads::DType;

double sector_bytes(double row_bytes) {
  const auto r = std::max<int64_t>(1, std::llround(row_bytes));
  const auto g = std::gcd<int64_t>(r, 32);
  return static_cast<double>(r + 32 - g);  // 32 x (r + 32 - g) / 32
}

double random_row_l2_hit(const arch::gpu::GpuSpec& spec, double table_rows, double row_bytes) {
  const double share = static_cast<double>(spec.l2_bytes) * spec.calibration.l2_resident_fraction;
  const double table = table_rows * sector_bytes(row_bytes);
  return table > 0 ? std::min(1.0, share / table) : 1.0;
}

double random_row_dram_bytes(const arch::gpu::GpuSpec& spec, double accesses, double table_rows,
                             double row_bytes) {
  if (accesses <= 0 || table_rows <= 0) return 0;
  const double sector = sector_bytes(row_bytes);
  const double distinct = table_rows * -std::expm1(-accesses / table_rows);
  const double hit = random_row_l2_hit(spec, table_rows, row_bytes);
  return distinct * sector + (accesses - distinct) * sector * (1.0 - hit);
}

namespace {

double elem(DType dt) { return static_cast<double>(workloads::dtype_bits(dt)) / 8.0; }

int64_t threads_resident(const arch::gpu::GpuSpec& spec, int64_t threads) {
  return std::clamp<int64_t>(spec.max_threads_per_sm / std::max<int64_t>(32, threads), 1,
                             spec.max_ctas_per_sm);
}

// index_select / gather along dim 0 of contiguous rows (IndexKernelUtils.cu,
// vectorized_gather_kernel_launch): grid (rows gathered, ceil(row bytes / (256 x 16))), block
// min(256, the row's 16-byte vectors rounded up to a warp); each CTA loads its index, then its
// row (two dependent steps), and stores it. The table's rows are read at random: the L2 holds
// them only while the table fits its share.
Kernel gather_rows(int64_t gathered, int64_t table_rows, int64_t features, DType dt, const char* what,
                   const arch::gpu::GpuSpec& spec) {
  const double row = static_cast<double>(features) * elem(dt);
  int64_t vec = 16;
  while (vec > 1 && std::llround(row) % vec != 0) vec /= 2;
  const int64_t vectors = ceil_div(std::max<int64_t>(1, std::llround(row)), vec);
  const int64_t threads = std::min<int64_t>(256, ceil_div(vectors, 32) * 32);
  const int64_t grid_y = ceil_div(vectors, 256);
  Kernel k;
  k.name = fmt::format("vectorized_gather_kernel<{}, long> ({})", vec, what);
  k.engine = Engine::stream;
  k.math_dtype = dt;
  k.ctas = checked_mul(gathered, grid_y, "spmm gather grid");
  k.ctas_per_sm = threads_resident(spec, threads);
  const double n = static_cast<double>(gathered);
  const double index = n * 8.0;  // int64 edge indices
  const double rows_read = random_row_dram_bytes(spec, n, static_cast<double>(table_rows), row);
  k.l2_bytes = index + n * sector_bytes(row) + n * row;
  k.dram_read_bytes = index + rows_read;
  set_writes(k, spec, k.dram_read_bytes, n * row);
  // The index, then the row it names: the indices stream (four CTAs share a sector, so the L2
  // has it), the row misses the L2 as often as the table overflows it.
  k.dependent_accesses = 2;
  k.dram_dependent_accesses = 1.0 - random_row_l2_hit(spec, static_cast<double>(table_rows), row);
  return k;
}

// out.scatter_add_(0, index.expand_as(src), src) (ScatterGatherKernel.cu): 128 threads x 8
// elements per CTA, each element's three offsets (self, index, src) through the
// OffsetCalculator, then an atomic add into the destination row. Forward: the _scatter_gather_
// kernel; backward (index_add_, Indexing.cu indexFuncLargeIndex): a grid-stride loop over at
// most 8 CTAs per SM, one index load -> atomic step per element a thread owns, two offsets.
Kernel scatter_add_rows(int64_t sources, int64_t dest_rows, int64_t features, DType src_dt, DType dst_dt,
                        bool index_add, const arch::gpu::GpuSpec& spec) {
  const int64_t numel = checked_mul(sources, features, "spmm scatter elements");
  Kernel k;
  k.engine = Engine::stream;
  k.math_dtype = dst_dt;
  int operands = 3;
  if (index_add) {
    k.name = fmt::format("indexFuncLargeIndex<{}> ReduceAdd (index_add_)", workloads::to_string(dst_dt));
    k.ctas = std::max<int64_t>(1, std::min(ceil_div(numel, 128), spec.sm_count * 8));
    k.ctas_per_sm = std::min<int64_t>(8, threads_resident(spec, 128));
    k.dependent_accesses = ceil_div(numel, k.ctas * 128);  // each element: index, source -> atomic
    // Each step's source element is read once (from DRAM); the loop's loads are the traffic.
    k.dram_dependent_accesses = static_cast<double>(k.dependent_accesses);
    k.chain_carries_traffic = true;
    operands = 2;
  } else {
    k.name = fmt::format("_scatter_gather_elementwise_kernel<128, 8> ReduceAdd<{}> (scatter_add_)",
                         workloads::to_string(dst_dt));
    k.ctas = std::max<int64_t>(1, ceil_div(numel, 1024));
    k.ctas_per_sm = threads_resident(spec, 128);
    k.dependent_accesses = 1;  // its 8 loads together (the source streams from DRAM), then the atomics
    k.dram_dependent_accesses = 1;
  }
  const double n = static_cast<double>(sources), elems = static_cast<double>(numel);
  const double src = elems * elem(src_dt), index = n * 8.0;
  const double dst_row = static_cast<double>(features) * elem(dst_dt);
  // The atomics: each warp's 32 adds to one row coalesce into sector requests at the L2, which
  // fetches a line it lacks from DRAM and writes it back dirty.
  const double atomics = n * sector_bytes(dst_row);
  const double dst_lines = random_row_dram_bytes(spec, n, static_cast<double>(dest_rows), dst_row);
  k.l2_bytes = src + index + atomics;
  k.dram_read_bytes = src + index + dst_lines;
  k.written_bytes = static_cast<double>(dest_rows) * dst_row;
  k.dram_write_bytes = write_back_bytes(spec, src + index, dst_lines);
  k.lane_ops_per_cta =
      spec.calibration.broadcast_lane_ops_per_operand * operands * elems / static_cast<double>(k.ctas);
  k.useful_flops = elems;
  return k;
}

Kernel zeros(double bytes, DType dt, const arch::gpu::GpuSpec& spec) {
  StreamProblem p;
  p.name = fmt::format("vectorized_elementwise_kernel FillFunctor<{}> (zeros)", workloads::to_string(dt));
  p.dtype = dt;
  p.write_bytes = bytes;
  return make_stream_kernel(p, spec);
}

// PyG's ATen path, forward or backward (see the header).
GpuMapping map_pyg(const workloads::Op& op, const workloads::SpmmParams& p, const arch::gpu::GpuSpec& spec) {
  // The features' dtype (input 1, as stored) and the dtype of the messages and the sum (the
  // op's: fp32 under autocast, where the edge weights are fp32).
  const DType acc = op.dtype;
  const DType feat = p.backward ? acc : (op.inputs.size() > 1 ? op.inputs[1].dtype : acc);
  const DType out = p.backward && !op.outputs.empty() ? op.outputs[0].dtype : acc;
  const double e = static_cast<double>(p.nnz), f = static_cast<double>(p.features);
  GpuMapping m;
  m.kernels.push_back(gather_rows(p.nnz, p.cols, p.features, feat,
                                  p.backward ? "scatter_add_ backward: dY[dst]" : "x[src]", spec));
  // Same dtypes: the no-cast TensorIterator kernel; 16-bit features times fp32 weights: the
  // casting one (4 elements per thread). Both broadcast the weight, so neither is vectorized.
  const char* mul_name = feat == acc ? "elementwise_kernel<128, 2> mul (edge_weight * x_j)"
                                     : "elementwise_kernel<128, 4> mul, casting (edge_weight * x_j)";
  m.kernels.push_back(generic_elementwise(mul_name, checked_mul(p.nnz, p.features, "spmm messages"),
                                          e * f * elem(feat) + e * elem(acc), e * f * elem(acc), 3, acc,
                                          spec));
  if (out != acc) {
    StreamProblem c;
    c.name = fmt::format("vectorized_elementwise_kernel {}_copy (messages to {})", workloads::to_string(out),
                         workloads::to_string(out));
    c.dtype = out;
    c.read_bytes = e * f * elem(acc);
    c.write_bytes = e * f * elem(out);
    m.kernels.push_back(make_stream_kernel(c, spec));
  }
  m.kernels.push_back(zeros(static_cast<double>(p.rows) * f * elem(out), out, spec));
  m.kernels.push_back(scatter_add_rows(p.nnz, p.rows, p.features, out, out, p.backward, spec));
  m.note = fmt::format(
      "PyG sum aggregation (GCNConv.propagate) as ATen runs it: {}; {} edges x {} features, {:.3g} MB of "
      "feature rows gathered, destination {:.3g} MB",
      p.backward ? "backward: gather dY, scale, index_add_ (atomics)"
                 : "gather, scale, scatter_add_ (atomics)",
      p.nnz, p.features, e * f * elem(feat) / 1e6, static_cast<double>(p.rows) * f * elem(out) / 1e6);
  return m;
}

// cuSPARSE SpMM over CSR (CUSPARSE_SPMM_CSR_ALG2-like row split): a warp per output row walks its
// row pointer, column indices and values (three dependent steps), gathers the neighbours'
// feature rows and writes its output row once.
GpuMapping map_cusparse(const workloads::Op& op, const workloads::SpmmParams& p,
                        const arch::gpu::GpuSpec& spec) {
  const DType dt = op.dtype;
  const double e = static_cast<double>(p.nnz), f = static_cast<double>(p.features);
  const double row = f * elem(dt);
  Kernel k;
  k.name = "cusparse_csrmm_row_split";
  k.engine = Engine::stream;
  k.math_dtype = dt;
  k.ctas = std::max<int64_t>(1, ceil_div(p.rows, 8));  // 8 warps (rows) per 256-thread CTA
  k.ctas_per_sm = threads_resident(spec, 256);
  const double csr = e * (4.0 + elem(dt)) + static_cast<double>(p.rows + 1) * 4.0;
  const double gathered = random_row_dram_bytes(spec, e, static_cast<double>(p.cols), row);
  const double written = static_cast<double>(p.rows) * row;
  k.l2_bytes = csr + e * sector_bytes(row) + written;
  k.dram_read_bytes = csr + gathered;
  set_writes(k, spec, k.dram_read_bytes, written);
  k.dependent_accesses = 3;  // row pointer -> column indices -> feature rows
  k.dram_dependent_accesses = 1.0 + (1.0 - random_row_l2_hit(spec, static_cast<double>(p.cols), row));
  k.useful_flops = 2.0 * e * f;
  k.flops_per_cta = k.useful_flops / static_cast<double>(k.ctas);
  GpuMapping m;
  m.kernels.push_back(k);
  m.note = fmt::format("cuSPARSE CSR SpMM (row split, no atomics){}", p.backward ? ", on A^T" : "");
  return m;
}

}  // namespace

GpuMapping map_spmm(const workloads::Op& op, const workloads::SpmmParams& p, const arch::gpu::GpuSpec& spec,
                    Runtime rt) {
  return rt == Runtime::pytorch ? map_pyg(op, p, spec) : map_cusparse(op, p, spec);
}

}  // namespace orrery::mappers::gpu
