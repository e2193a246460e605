#include "mappers/gpu/stream_kernels.hpp"

#include <algorithm>
#include <cmath>

namespace orrery::mappers::gpu {

using arch::gpu::Kernel;

Kernel make_stream_kernel(const StreamProblem& p, const arch::gpu::GpuSpec& spec) {
  Kernel k;
  k.name = p.name;
  k.engine = p.engine;
  k.math_dtype = p.dtype;
  // Grid-stride kernels: 16 KiB per CTA per pass, at most 8 resident CTAs per SM and one pass
  // of the whole machine (larger inputs loop inside the CTAs).
  constexpr double kBytesPerCta = 16384.0;
  k.ctas_per_sm = 8;
  int64_t ctas =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil((p.read_bytes + p.write_bytes) / kBytesPerCta)));
  ctas = std::min<int64_t>(ctas, spec.sm_count * k.ctas_per_sm);
  if (p.max_ctas > 0) {  // one row (or plane) per CTA
    ctas = p.max_ctas;
    k.row_per_cta = true;
  }
  k.ctas = ctas;
  k.flops_per_cta = p.flops / static_cast<double>(ctas);
  k.useful_flops = p.flops;
  k.l2_bytes = p.read_bytes + p.write_bytes;
  k.dram_read_bytes = p.read_bytes;
  set_writes(k, spec, p.read_bytes, p.write_bytes);
  return k;
}

double write_back_bytes(const arch::gpu::GpuSpec& spec, double read, double write) {
  const double l2_share = static_cast<double>(spec.l2_bytes) * spec.calibration.l2_dirty_fraction;
  const double total = read + write;
  return total > 0 ? std::clamp(write - l2_share * write / total, 0.0, write) : 0.0;
}

void set_writes(arch::gpu::Kernel& k, const arch::gpu::GpuSpec& spec, double read, double write) {
  k.written_bytes = write;
  k.dram_write_bytes = write_back_bytes(spec, read, write);
}

arch::gpu::Kernel grid_stream_kernel(const char* name, workloads::DType dtype, int64_t ctas, int64_t threads,
                                     double read, double write, const arch::gpu::GpuSpec& spec) {
  arch::gpu::Kernel k;
  k.name = name;
  k.engine = arch::gpu::Engine::stream;
  k.math_dtype = dtype;
  k.ctas = std::max<int64_t>(1, ctas);
  k.ctas_per_sm =
      std::clamp<int64_t>(spec.max_threads_per_sm / std::max<int64_t>(32, threads), 1, spec.max_ctas_per_sm);
  k.l2_bytes = read + write;
  k.dram_read_bytes = read;
  set_writes(k, spec, read, write);
  return k;
}

arch::gpu::Kernel fixed_grid_stream_kernel(std::string name, workloads::DType dtype, int64_t ctas,
                                           int64_t threads, double read, double write, double flops,
                                           const arch::gpu::GpuSpec& spec, bool row_per_cta) {
  StreamProblem p;
  p.name = std::move(name);
  p.dtype = dtype;
  p.read_bytes = read;
  p.write_bytes = write;
  p.flops = flops;
  p.max_ctas = std::max<int64_t>(1, ctas);
  arch::gpu::Kernel k = make_stream_kernel(p, spec);
  k.row_per_cta = row_per_cta;
  k.ctas_per_sm =
      std::clamp<int64_t>(spec.max_threads_per_sm / std::max<int64_t>(32, threads), 1, spec.max_ctas_per_sm);
  return k;
}

double dram_miss_share(const arch::gpu::GpuSpec& spec) {
  if (spec.hbm_latency_s <= 0) return 0.0;
  return std::max(0.0, 1.0 - spec.calibration.dependent_access_s / spec.hbm_latency_s);
}

}  // namespace orrery::mappers::gpu
