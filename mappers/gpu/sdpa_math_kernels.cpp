#include "mappers/gpu/sdpa_math_kernels.hpp"

#include "mappers/gpu/gemm_kernels.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"

namespace orrery::mappers::gpu {

using workloads::DType;

namespace {

// A vectorized (contiguous, same-layout) elementwise kernel.
arch::gpu::Kernel vectorized(const char* name, double numel, double in_elem, double out_elem, DType dt,
                             const arch::gpu::GpuSpec& spec) {
  StreamProblem p;
  p.name = name;
  p.dtype = dt;
  p.read_bytes = numel * in_elem;
  p.write_bytes = numel * out_elem;
  p.flops = numel;
  return make_stream_kernel(p, spec);
}

arch::gpu::Kernel bmm_fp32(const char* name, int64_t batch, int64_t m, int64_t n, int64_t k,
                           const arch::gpu::GpuSpec& spec) {
  GemmProblem g;
  g.prefix = name;
  g.dtype = DType::fp32;
  g.batch = batch;
  g.m = m;
  g.n = n;
  g.k = k;
  return choose_gemm_kernel(g, spec);
}

}  // namespace

GpuMapping map_attention_math(const workloads::AttentionParams& a, DType dtype,
                              const arch::gpu::GpuSpec& spec) {
  const double h = static_cast<double>(workloads::dtype_bits(dtype)) / 8.0, f = 4.0;
  const int64_t bh = a.batch * a.heads;
  const int64_t q = bh * a.q_len * a.head_dim, kv = bh * a.kv_len * a.head_dim;  // elements
  const int64_t scores = bh * a.q_len * a.kv_len, mask = a.batch * a.kv_len;
  const double qd = static_cast<double>(q), kvd = static_cast<double>(kv), sd = static_cast<double>(scores);
  // 16-bit inputs are upcast to fp32 (allowFP16BF16ReductionMathSDP is off by default); fp32
  // inputs run as they are.
  const bool upcast = dtype != DType::fp32 && dtype != DType::tf32;
  GpuMapping m;
  auto& ks = m.kernels;
  if (a.padding_mask) {
    ks.push_back(vectorized("mask_fill", static_cast<double>(mask), 0, h, dtype, spec));
    ks.push_back(vectorized("mask_fill", static_cast<double>(mask), 0, h, dtype, spec));
    ks.push_back(generic_elementwise("mask_where", mask, 2.0 * h * static_cast<double>(mask),
                                     h * static_cast<double>(mask), 4, dtype, spec));
  }
  if (upcast) {
    ks.push_back(generic_elementwise("q_to_fp32", q, h * qd, f * qd, 2, DType::fp32, spec));
    ks.push_back(generic_elementwise("k_to_fp32", kv, h * kvd, f * kvd, 2, DType::fp32, spec));
    ks.push_back(generic_elementwise("v_to_fp32", kv, h * kvd, f * kvd, 2, DType::fp32, spec));
  }
  ks.push_back(vectorized("q_scale", qd, f, f, DType::fp32, spec));
  ks.push_back(vectorized("k_scale", kvd, f, f, DType::fp32, spec));
  ks.push_back(generic_elementwise("kT_contiguous", kv, f * kvd, f * kvd, 2, DType::fp32, spec));
  ks.push_back(generic_elementwise("q_contiguous", q, f * qd, f * qd, 2, DType::fp32, spec));
  ks.push_back(bmm_fp32("sdpa_math_qk", bh, a.q_len, a.kv_len, a.head_dim, spec));
  if (a.padding_mask)
    ks.push_back(generic_elementwise("add_mask", scores, f * sd, f * sd, 3, DType::fp32, spec));
  {
    StreamProblem p;
    p.name = "softmax_fp32";
    p.dtype = DType::fp32;
    p.read_bytes = f * sd;
    p.write_bytes = f * sd;
    p.flops = 5.0 * sd;
    p.max_ctas = bh * a.q_len;
    ks.push_back(make_stream_kernel(p, spec));
  }
  ks.push_back(vectorized("isneginf", sd, f, 1.0, DType::fp32, spec));
  ks.push_back(generic_elementwise("all_masked_rows", scores, sd, static_cast<double>(bh * a.q_len), 1,
                                   DType::int8, spec));
  ks.push_back(vectorized("fill", static_cast<double>(bh * a.q_len), 0, f, DType::fp32, spec));
  ks.push_back(generic_elementwise("safe_softmax_where", scores, f * sd + sd, f * sd, 4, DType::fp32, spec));
  if (upcast) ks.push_back(vectorized("p_to_half", sd, f, h, dtype, spec));
  ks.push_back(generic_elementwise("p_contiguous", scores, h * sd, f * sd, 2, DType::fp32, spec));
  ks.push_back(bmm_fp32("sdpa_math_pv", bh, a.q_len, a.head_dim, a.kv_len, spec));
  if (upcast) ks.push_back(vectorized("o_to_half", qd, f, h, dtype, spec));
  ks.push_back(generic_elementwise("o_transpose", q, h * qd, h * qd, 2, dtype, spec));
  m.note = a.padding_mask ? "PyTorch math SDPA (FP32): additive key mask under CUDA-graph capture"
                          : "PyTorch math SDPA (FP32 batched GEMMs and softmax)";
  return m;
}

}  // namespace orrery::mappers::gpu
