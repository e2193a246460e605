#pragma once
// Sparse aggregation (spmm: out = A X, A a rows x cols sparse matrix with nnz nonzeros) on a GPU.
//
// pytorch: PyTorch Geometric's MessagePassing with sum aggregation (GCNConv), which launches no
// sparse library call but ATen gather/scatter kernels, per layer:
//   forward   x_j = x.index_select(0, src)          vectorized_gather_kernel: one CTA per edge
//             msg = edge_weight.view(-1, 1) * x_j    elementwise_kernel (broadcasting, not vectorized)
//             out = zeros(rows, F)                   FillFunctor
//             out.scatter_add_(0, dst, msg)          _scatter_gather_elementwise_kernel: atomics
//   backward  (dX = A^T dY) the scatter's backward gathers dY (vectorized_gather_kernel), times
//             the edge weight, a cast to the features' dtype where they differ (autocast), then
//             index_select's backward: zeros and index_add_ (indexFuncLargeIndex: atomics in a
//             grid-stride loop).
// library: cuSPARSE's CSR SpMM as one row-split kernel (a warp per output row gathers its
// neighbours' feature rows and writes the row once; no atomics).
//
// The physics each kernel carries: one 32-byte sector granularity for every random row access;
// the L2 hit rate of random rows into a table (the feature matrix, the destination of the
// atomics) once it overflows the L2's share; the atomics' read-modify-write lines fetched from
// and written back to DRAM when the destination does not fit; the launch configuration of each
// ATen kernel (grid, block, elements per thread) and its offset arithmetic.
#include "arch/gpu/spec.hpp"
#include "mappers/gpu/mapping.hpp"
#include "workloads/op.hpp"

namespace orrery::mappers::gpu {

GpuMapping map_spmm(const workloads::Op& op, const workloads::SpmmParams& p, const arch::gpu::GpuSpec& spec,
                    Runtime rt);

// Bytes one random access to a `row_bytes` span moves between L2 and DRAM: whole 32-byte
// sectors, averaged over the start offsets the row's alignment allows ((row + 32 - g) / 32
// sectors, g = gcd(row, 32)).
double sector_bytes(double row_bytes);

// The share of random reads of `row_bytes` rows of a `table_rows`-row table that the L2 serves
// once warm: all while the table fits the L2's resident share, that share of it beyond.
double random_row_l2_hit(const arch::gpu::GpuSpec& spec, double table_rows, double row_bytes);

// DRAM bytes of `accesses` uniformly random reads of `row_bytes` (sector_bytes) rows of a
// `table_rows`-row table: each distinct row once (n (1 - e^(-a/n)) of them), and the re-reads
// that miss because the table overflows the L2's resident share.
double random_row_dram_bytes(const arch::gpu::GpuSpec& spec, double accesses, double table_rows,
                             double row_bytes);

}  // namespace orrery::mappers::gpu
