#pragma once
// Memory-bound kernels (elementwise, norm, softmax, copy, reduce, pool, embedding, data
// movement): a grid of CTAs streaming `read` bytes in and `write` bytes out once, with the
// op's vector FLOPs on the CUDA cores. Rows that must stay on one CTA (norm, softmax) limit
// the grid to the row count.
#include <cstdint>
#include <string>

#include "arch/gpu/kernel.hpp"
#include "arch/gpu/spec.hpp"

namespace orrery::mappers::gpu {

struct StreamProblem {
  std::string name;
  workloads::DType dtype = workloads::DType::fp16;
  double read_bytes = 0, write_bytes = 0, flops = 0;
  int64_t max_ctas = 0;  // > 0: exactly this many CTAs, one row (or plane) each
  arch::gpu::Engine engine = arch::gpu::Engine::stream;
};

arch::gpu::Kernel make_stream_kernel(const StreamProblem& p, const arch::gpu::GpuSpec& spec);

// The L2 is write-back: the lines a kernel leaves dirty in it when it ends are written back
// later, not while it runs. Those are its last writes, as many as the written share of its
// footprint (`write` / (`read` + `write`)) of the L2's dirty share; the rest reach DRAM.
double write_back_bytes(const arch::gpu::GpuSpec& spec, double read, double write);

// Records what `k` stores (`write` bytes, after reading `read`) and the part of it that reaches
// DRAM during the kernel (write_back_bytes).
void set_writes(arch::gpu::Kernel& k, const arch::gpu::GpuSpec& spec, double read, double write);

// A library kernel with a known launch shape: `ctas` CTAs of `threads` threads streaming `read`
// bytes in and `write` bytes out (residency from the thread count); the caller adds what the
// kernel's source says about dependent accesses and instruction counts.
arch::gpu::Kernel grid_stream_kernel(const char* name, workloads::DType dtype, int64_t ctas, int64_t threads,
                                     double read, double write, const arch::gpu::GpuSpec& spec);

// A stream kernel (make_stream_kernel: traffic, flops, writes) launched as exactly `ctas` CTAs of
// `threads` threads. `row_per_cta`: each CTA owns one row (or plane) of the data, as PyTorch's
// row kernels do; false for grids whose CTAs stride over all of it.
arch::gpu::Kernel fixed_grid_stream_kernel(std::string name, workloads::DType dtype, int64_t ctas,
                                           int64_t threads, double read, double write, double flops,
                                           const arch::gpu::GpuSpec& spec, bool row_per_cta);

// A dependent step whose load misses the L2 waits the DRAM latency where a hit waits an L2
// access: the share of hbm.latency_ns it adds to the step's calibration.dependent_access_ns
// (Kernel::dram_dependent_accesses counts such shares). 0 without a DRAM latency.
double dram_miss_share(const arch::gpu::GpuSpec& spec);

}  // namespace orrery::mappers::gpu
