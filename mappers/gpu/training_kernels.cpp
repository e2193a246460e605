#include "mappers/gpu/training_kernels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/checked_math.hpp"
#include "mappers/gpu/attention_kernels.hpp"
#include "mappers/gpu/batch_norm_nchw_kernels.hpp"
#include "mappers/gpu/conv_kernels.hpp"
#include "mappers/gpu/efficient_attention_kernels.hpp"
#include "mappers/gpu/gemm_kernels.hpp"
#include "mappers/gpu/layout_kernels.hpp"
#include "mappers/gpu/multi_tensor_apply.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"

namespace orrery::mappers::gpu {

using arch::gpu::Kernel;
using workloads::DType;

namespace {

double elem(DType dt) { return static_cast<double>(workloads::dtype_bits(dt)) / 8.0; }

Kernel streaming(std::string name, DType dtype, double read, double write, double flops,
                 const arch::gpu::GpuSpec& spec, int64_t max_ctas = 0) {
  StreamProblem p;
  p.name = std::move(name);
  p.dtype = dtype;
  p.read_bytes = read;
  p.write_bytes = write;
  p.flops = flops;
  p.max_ctas = max_ctas;
  return make_stream_kernel(p, spec);
}

// The widest vector (elements, a power of two up to 16 bytes) dividing both leading dims.
void set_alignment(GemmProblem& p, int64_t lead_a, int64_t lead_b) {
  const int64_t vec = std::max<int64_t>(1, 128 / workloads::dtype_bits(p.dtype));
  p.aligned = lead_a % vec == 0 && lead_b % vec == 0;
  p.align_elems = vec;
  while (p.align_elems > 1 && (lead_a % p.align_elems != 0 || lead_b % p.align_elems != 0))
    p.align_elems /= 2;
}

void add_gemm(GpuMapping& m, const GemmProblem& p, const arch::gpu::GpuSpec& spec,
              const std::string& prefix) {
  Kernel k = choose_gemm_kernel(p, spec);
  k.name = prefix + k.name;
  const int64_t split = k.split_k;
  m.kernels.push_back(std::move(k));
  if (split > 1) m.kernels.push_back(make_splitk_reduce(p, spec, split));
}

}  // namespace

GpuMapping map_conv_backward(const workloads::ConvParams& c, DType dtype, const arch::gpu::GpuSpec& spec,
                             Runtime rt) {
  if (c.pass == workloads::ConvPass::backward_data) {
    GpuMapping m = map_conv(c.backward_data_as_forward(), dtype, spec, rt);
    for (auto& k : m.kernels) k.name = "dgrad_" + k.name;
    m.note = "cuDNN dgrad: the conv of dY with the channels swapped; " + m.note;
    return m;
  }
  GpuMapping m;
  const int64_t cg = c.c_in / c.groups, mg = c.c_out / c.groups;
  const double e = elem(dtype);
  const double x_bytes = static_cast<double>(c.n * c.c_in * c.in[0] * c.in[1] * c.in[2]) * e;
  const double dy_bytes = static_cast<double>(c.n * c.c_out * c.out_pixels()) * e;
  const bool nchw = nchw_layout(c.layout, spec);
  if (c.groups > 1 && cg == 1 && mg == 1) {
    // Depthwise: ATen's direct kernel, one CTA per (channel, tap) reducing over the batch and
    // pixels.
    const double w = static_cast<double>(c.c_out * c.kernel_volume()) * e;
    Kernel k = streaming("conv_depthwise2d_grad_weight", dtype, x_bytes + dy_bytes, w,
                         2.0 * static_cast<double>(c.macs()), spec, c.c_out * c.kernel_volume());
    if (nchw && !cudnn_depthwise_nchw(c, dtype) && c.in[0] == 1) {
      // As PyTorch launches it for NCHW bf16/fp32 and the fp16 convs use_cudnn_depthwise refuses (NHWC
      // goes to cuDNN's kernels, validation/data/train_kernels_h100_seed21_kernels.csv): min(32 N, 256)
      // threads, a warp per sample walking the output pixels 32 at a time, one X and one dY load then an FMA
      // per step, a step waiting for its loads (a latency chain, not a stream); then the block's reduction.
      const int64_t threads = std::min<int64_t>(32 * c.n, 256), warps = threads / 32;
      k.ctas = c.c_out * c.kernel_volume();
      k.flops_per_cta = 2.0 * static_cast<double>(c.macs()) / static_cast<double>(k.ctas);
      k.ctas_per_sm = std::clamp<int64_t>(spec.max_threads_per_sm / threads, 1, spec.max_ctas_per_sm);
      k.dependent_accesses = ceil_div(c.n, warps) * ceil_div(c.out_pixels(), int64_t{32}) + 3;
      k.chain_carries_traffic = true;
      m.note = "ATen depthwise weight gradient (a latency chain per CTA)";
    } else {
      m.note = "depthwise weight gradient (memory-bound)";
    }
    m.kernels.push_back(std::move(k));
  } else {
    // C^T orientation: A = im2col(X)^T [C/g x taps, N x pixels] read from X itself (im2col
    // addressing), B = dY [N x pixels, K/g].
    const workloads::GemmParams w = c.backward_weight_as_gemm();
    GemmProblem p;
    p.batch = w.batch;
    p.m = w.n;
    p.n = w.m;
    p.k = w.k;
    p.dtype = dtype;
    p.implicit = true;
    p.mn_major = true;
    p.a_dram_bytes = x_bytes / static_cast<double>(c.groups);
    set_alignment(p, cg, mg);
    bool pointwise = c.groups == 1 && !c.transposed;
    for (int d = 0; d < 3; ++d)
      pointwise =
          pointwise && c.kernel[d] == 1 && c.stride[d] == 1 && c.pad_begin[d] == 0 && c.pad_end[d] == 0;
    if (rt == Runtime::pytorch && pointwise) {
      // A 1x1 weight gradient is cuBLAS's GEMM on the tensors as stored (no padding): dY^T X reads
      // both along their pixels in NCHW (HW must be whole 16-byte vectors) or along their channels
      // in NHWC (K and C); otherwise CUTLASS 2.x align1/2/4 kernels (cutlass::Kernel2 in
      // random_ops_h100.csv: 149x149 maps in NCHW, C = 49, K = 9 in NHWC).
      const int64_t pixels = c.in[0] * c.in[1] * c.in[2];
      if (nchw) set_alignment(p, pixels, pixels);
    } else if (rt == Runtime::pytorch && c.groups == 1) {
      // PyTorch's cuDNN pads unaligned channels first (layout_kernels.hpp): the sm90 wgrad kernel
      // then runs on whole 16-byte vectors of C and K.
      const int64_t vec = std::max<int64_t>(1, 128 / workloads::dtype_bits(dtype));
      p.m = ceil_div(cg, vec) * vec * c.kernel_volume();
      p.n = ceil_div(mg, vec) * vec;
      p.aligned = true;
      p.align_elems = vec;
    }
    add_gemm(m, p, spec, "wgrad_");
    m.note = "cuDNN wgrad as an implicit GEMM (M = C/g x taps, N = K/g, K = N x output pixels)";
  }
  if (c.bias) {
    // NCHW: dY summed over N, H, W, the innermost axes; NHWC: over the outer ones.
    m.kernels.push_back(nchw && rt == Runtime::pytorch
                            ? inner_sum_reduce(c.c_out, c.n * c.out_pixels(), dtype, spec)
                            : spatial_mean_reduce(1, c.c_out, c.n * c.out_pixels(), dtype, spec));
    m.kernels.back().name = "bias_grad_" + m.kernels.back().name;
  }
  return m;
}

GpuMapping map_attention_backward(const workloads::Op& op, const workloads::AttentionParams& a,
                                  const arch::gpu::GpuSpec& spec) {
  const DType dt = op.dtype;
  const double e = elem(dt);
  const double B = static_cast<double>(a.batch), H = static_cast<double>(a.heads);
  const double S = static_cast<double>(a.q_len), L = static_cast<double>(a.kv_len);
  const double D = static_cast<double>(a.head_dim), Hk = static_cast<double>(a.kv_heads);
  const double q = B * H * S * D * e, kv = B * Hk * L * D * e, rows = B * H * S;
  GpuMapping m;
  // The math path: chosen, no tensor cores for the dtype (except the memory-efficient backend's
  // fp32 kernels: 3xTF32 MMAs, fmha_cutlassB_f32 in training_h100_kernels.csv), or a key mask
  // (which the forward also runs on the math path, see library_mapper.cpp).
  const bool efficient = a.backend == workloads::AttentionBackend::efficient;
  if (a.backend == workloads::AttentionBackend::math || (spec.tensor_flops_per_clk(dt) <= 0 && !efficient) ||
      a.padding_mask) {
    // The math path keeps P from its forward: dV = P^T dO, dP = dO V^T, dS = softmax'(dP),
    // dQ = dS K, dK = dS^T Q, each a batched GEMM over (batch, head).
    auto bmm = [&](const char* what, int64_t mm, int64_t nn, int64_t kk) {
      GemmProblem p;
      p.batch = a.batch * a.heads;
      p.m = mm;
      p.n = nn;
      p.k = kk;
      p.dtype = dt;
      set_alignment(p, kk, nn);
      add_gemm(m, p, spec, what);
    };
    bmm("dV_", a.kv_len, a.head_dim, a.q_len);
    bmm("dP_", a.q_len, a.kv_len, a.head_dim);
    const double scores = B * H * S * L * e;
    m.kernels.push_back(streaming("cunn_SoftMaxBackward", dt, 2 * scores, scores, 4 * B * H * S * L, spec,
                                  a.batch * a.heads * a.q_len));
    bmm("dQ_", a.q_len, a.head_dim, a.kv_len);
    bmm("dK_", a.kv_len, a.head_dim, a.q_len);
    m.note = "SDPA math backward: four batched GEMMs and a softmax backward";
    return m;
  }
  // FlashAttention-2 backward, from the forward kernel of the same problem: the main kernel
  // walks the same score tiles doing 2.5x the forward's matmuls (S recomputed, dP, dV, dQ,
  // dK), parallel over key blocks of 128, each CTA reading every query block of Q, dO, the
  // log-sum-exp and D, and adding its dQ share in fp32 (atomics through L2).
  // The memory-efficient backend's cutlassB kernel walks the tiles as its forward does, its
  // operands staged in shared memory in serial phases (efficient_attention_kernels.cpp).
  workloads::AttentionParams fwd = a;
  fwd.backward = false;
  const GpuMapping f = efficient ? map_efficient_attention(fwd, dt, spec) : map_attention(fwd, dt, spec);
  const auto main = std::find_if(f.kernels.begin(), f.kernels.end(),
                                 [](const Kernel& k) { return k.engine == arch::gpu::Engine::attention; });
  m.kernels.push_back(streaming("flash_bwd_dot_do_o", dt, 2 * q, rows * 4, 2 * B * H * S * D, spec));
  if (main != f.kernels.end()) {
    Kernel k = *main;
    const double total_flops = static_cast<double>(k.ctas) * k.flops_per_cta * 2.5;
    const double total_smem = static_cast<double>(k.ctas) * k.smem_bytes_per_cta * 2.5;
    const double total_sfu = static_cast<double>(k.ctas) * k.sfu_ops_per_cta;
    const double kv_blocks = std::ceil(L / 128.0);
    k.name = efficient ? "fmha_cutlassB_dq_dk_dv" : "flash_bwd_dq_dk_dv_loop_seqk_parallel";
    k.mma_rate_share = spec.calibration.attention_backward_efficiency;  // as cuDNN's: five chained MMAs
    k.ctas = std::max<int64_t>(1, a.batch * a.heads * static_cast<int64_t>(kv_blocks));
    k.flops_per_cta = total_flops / static_cast<double>(k.ctas);
    k.smem_bytes_per_cta = total_smem / static_cast<double>(k.ctas);
    k.sfu_ops_per_cta = total_sfu / static_cast<double>(k.ctas);
    k.useful_flops = 2.0 * static_cast<double>(op.macs()) + static_cast<double>(op.vector_flops());
    const double per_q_pass = 2 * q + 2 * rows * 4 + B * H * S * D * 4;  // Q, dO, lse, D, dQ atomics
    k.l2_bytes = kv_blocks * per_q_pass + 2 * kv + 2 * kv;
    k.sm_bytes = 0;
    k.dram_read_bytes = 2 * q + 2 * kv + 2 * rows * 4 + B * H * S * D * 4;
    k.dram_write_bytes = 2 * kv + B * H * S * D * 4;
    k.written_bytes = k.dram_write_bytes;
    k.split_k = 1;
    m.kernels.push_back(std::move(k));
  }
  m.kernels.push_back(streaming("flash_bwd_convert_dq", dt, B * H * S * D * 4, q, B * H * S * D, spec));
  m.note = "FlashAttention-2 backward (dot_do_o, dq_dk_dv, convert_dq), scaled from the forward kernel";
  return m;
}

GpuMapping map_cross_entropy(const workloads::Op& op, const workloads::CrossEntropyParams& c,
                             const arch::gpu::GpuSpec& spec) {
  const double e = elem(op.dtype);
  const double table = static_cast<double>(c.rows) * static_cast<double>(c.classes) * e;
  const double rows = static_cast<double>(c.rows);
  GpuMapping m;
  if (!c.backward) {
    m.kernels.push_back(streaming("cunn_SoftMaxForward_log_softmax", op.dtype, table, table,
                                  4 * rows * static_cast<double>(c.classes), spec, c.rows));
    // One CTA of 32 threads walks the rows (targets, the picked log-probability), writes the mean.
    m.kernels.push_back(
        streaming("nll_loss_forward_reduce_cuda_kernel_2d", op.dtype, rows * (8 + e), 4, rows, spec, 1));
    m.note = "F.cross_entropy: log_softmax + nll_loss (log-probabilities kept for the backward)";
  } else {
    m.kernels.push_back(streaming("fill_zero_grad_logprobs", op.dtype, 0, table, 0, spec));
    m.kernels.push_back(
        streaming("nll_loss_backward_reduce_cuda_kernel_2d", op.dtype, rows * 8, rows * e, rows, spec));
    m.kernels.push_back(streaming("cunn_SoftMaxBackward_log_softmax", op.dtype, 2 * table, table,
                                  3 * rows * static_cast<double>(c.classes), spec, c.rows));
    m.note = "cross_entropy backward: zero, nll_loss_backward, log_softmax_backward";
  }
  return m;
}

GpuMapping map_optimizer(const workloads::OptimizerParams& o, const arch::gpu::GpuSpec& spec) {
  const double e = elem(o.master);
  const std::vector<int64_t> params = o.parameter_tensors();
  GpuMapping m;
  for (const auto& pass : o.passes()) {
    const std::vector<int64_t> numels =
        pass.numel_per_tensor > 0 ? std::vector<int64_t>(params.size(), pass.numel_per_tensor) : params;
    const auto launches = multi_tensor_launches(numels, pass.lists, pass.scalar_list);
    for (size_t i = 0; i < launches.size(); ++i) {
      const MultiTensorLaunch& l = launches[i];
      const double n = static_cast<double>(l.elements);
      // Lane operations per element: FP32 ones, and FP64 ones at the FP64 units' rate.
      const double fp64_cost = spec.cuda_fp64_flops > 0 ? spec.cuda_fp32_flops / spec.cuda_fp64_flops : 1.0;
      const double lane_ops = (pass.flops + pass.fp64_ops * fp64_cost) * n;
      Kernel k = streaming(launches.size() > 1 ? fmt::format("{}[{}]", pass.kernel, i) : pass.kernel,
                           o.master, pass.reads * n * e, pass.writes * n * e, lane_ops, spec);
      // One CTA of 512 threads per chunk (4 resident per SM); each walks its chunk in loop
      // iterations of 512 x 4 elements: load, compute, store, and only then the next
      // iteration's loads (the lists may alias). Every iteration waits one dependent access and
      // its own math, and the CTAs of a launch walk their iterations side by side, so the
      // chain adds to the streaming time instead of hiding under it.
      k.ctas = l.ctas;
      k.ctas_per_sm = std::max<int64_t>(1, spec.max_threads_per_sm / kMultiTensorBlockThreads);
      // The launch lasts as long as its largest chunk's CTA: its math, serial with its chain
      // (a launch mixing one full chunk with many small tensors' pieces waits for the full one).
      k.flops_per_cta = (pass.flops + pass.fp64_ops * fp64_cost) * static_cast<double>(l.largest_chunk);
      k.useful_flops = (pass.flops + pass.fp64_ops) * n;
      k.dependent_accesses = (l.largest_chunk + kMultiTensorBlockThreads * kMultiTensorIlp - 1) /
                             (kMultiTensorBlockThreads * kMultiTensorIlp);
      k.chain_carries_traffic = false;
      m.kernels.push_back(std::move(k));
    }
  }
  m.note = fmt::format("torch.optim {} ({}): {} multi_tensor_apply launch(es) over {} tensors, {} parameters",
                       to_string(o.algo), to_string(o.impl), m.kernels.size(), params.size(), o.params);
  return m;
}

GpuMapping map_norm_training(const workloads::Op& op, const workloads::NormParams& n,
                             const arch::gpu::GpuSpec& spec) {
  const double e = elem(op.dtype);
  const double act = static_cast<double>(n.rows) * static_cast<double>(n.cols) * e;
  const double stats = static_cast<double>(n.stat_count() * n.stat_tensors()) * 4;
  const double ch = static_cast<double>(n.channels) * e;
  const double numel = static_cast<double>(n.rows) * static_cast<double>(n.cols);
  const bool batch = n.type == workloads::NormParams::Type::batch;
  GpuMapping m;
  const bool nchw = nchw_layout(n.layout, spec);
  if (batch && nchw && n.channels > 0 && n.rows % n.channels == 0) {
    const int64_t samples = n.rows / n.channels;
    m.kernels = n.backward ? batch_norm_nchw_backward(samples, n.channels, n.cols, op.dtype, spec)
                           : batch_norm_nchw_forward(samples, n.channels, n.cols, op.dtype, spec);
    m.note = op.dtype == DType::fp32 ? "training batch norm, NCHW: cuDNN's per-channel kernels"
                                     : "training batch norm, NCHW, autocast: ATen's per-channel kernels";
    return m;
  }
  if (!n.backward) {  // batch norm forward with batch statistics
    m.kernels.push_back(
        streaming("batch_norm_collect_statistics_channels_last", op.dtype, act, stats, 3 * numel, spec));
    m.kernels.push_back(streaming("batch_norm_transform_channels_last", op.dtype, act + 2 * ch + stats, act,
                                  2 * numel, spec));
    m.note = "training batch norm: batch statistics, then the transform";
    return m;
  }
  if (batch) {
    m.kernels.push_back(streaming("batch_norm_backward_reduce_channels_last", op.dtype, 2 * act + stats,
                                  4 * static_cast<double>(n.stat_count()) * 4, 4 * numel, spec));
    m.kernels.push_back(streaming("batch_norm_backward_elemt_channels_last", op.dtype, 2 * act + stats + ch,
                                  act, 4 * numel, spec));
    m.note = "batch norm backward: per-channel reductions, then dX";
    return m;
  }
  m.kernels.push_back(streaming(fmt::format("{}_grad_input", to_string(n.type)), op.dtype,
                                2 * act + stats + ch, act, 5 * numel, spec, n.rows));
  if (n.channels > 0)
    m.kernels.push_back(streaming("GammaBetaBackward", op.dtype, 2 * act + stats,
                                  ch * (n.type == workloads::NormParams::Type::rms ? 1 : 2), 3 * numel,
                                  spec));
  m.note = fmt::format("{} backward: dX, then the scale/shift gradients", to_string(n.type));
  return m;
}

GpuMapping map_memory_backward(const workloads::Op& op, const arch::gpu::GpuSpec& spec) {
  const double in = static_cast<double>(op.input_bytes() + op.weight_bytes());
  const double out = static_cast<double>(op.output_bytes());
  const double flops = static_cast<double>(op.vector_flops());
  GpuMapping m;
  if (const auto* s = op.get<workloads::SoftmaxParams>()) {
    m.kernels.push_back(streaming("cunn_SoftMaxBackward", op.dtype, in, out, flops, spec, s->rows));
  } else if (const auto* p = op.get<workloads::PoolParams>();
             p && p->mode == workloads::PoolParams::Mode::max && p->rank == 2 &&
             spec.software.layout == arch::gpu::Layout::nchw) {
    // max_pool_backward_nchw (DilatedMaxPool2d.cu): one thread per input pixel of one (sample,
    // channel), grid (ceil(H x W / 256), N, C) of 256 threads. Each thread walks the outputs
    // whose window covers its pixel (about ceil(R / stride) x ceil(S / stride)), loading the
    // int64 argmax, then, where it points at the pixel, dY: two dependent loads per output, then
    // its store.
    const auto o = p->out();
    const double e = elem(op.dtype);
    const int64_t pixels = p->in[1] * p->in[2];
    const double taps =
        static_cast<double>(ceil_div(p->kernel[1], p->stride[1]) * ceil_div(p->kernel[2], p->stride[2]));
    const double outs = static_cast<double>(p->n * p->c * o[1] * o[2]);
    Kernel k = streaming("max_pool_backward_nchw", op.dtype, outs * (8.0 + e),
                         static_cast<double>(p->n * p->c * pixels) * e, outs * taps, spec);
    k.ctas = ceil_div(pixels, 256) * std::min<int64_t>(p->n, 65535) * std::min<int64_t>(p->c, 65535);
    k.ctas_per_sm = std::clamp<int64_t>(spec.max_threads_per_sm / 256, 1, spec.max_ctas_per_sm);
    k.flops_per_cta = outs * taps / static_cast<double>(k.ctas);
    k.dependent_accesses = static_cast<int64_t>(2.0 * taps) + 1;
    // grad_input is zeroed first (a FillFunctor kernel before every measured max_pool_backward_nchw
    // in validation/data/train_kernels_h100_seed20_kernels.csv).
    m.kernels.push_back(streaming("vectorized_elementwise_kernel<FillFunctor> (zeros: grad_input)", op.dtype,
                                  0, static_cast<double>(p->n * p->c * pixels) * e, 0, spec));
    m.kernels.push_back(std::move(k));
  } else if (const auto* p = op.get<workloads::PoolParams>()) {
    m.kernels.push_back(streaming(
        p->mode == workloads::PoolParams::Mode::max ? "max_pool_backward_nhwc" : "avg_pool_backward",
        op.dtype, in, out, flops, spec));
  } else if (const auto* emb = op.get<workloads::EmbeddingParams>()) {
    // embedding_dense_backward: dW zeroed whole, the indices sorted (radix passes over 4-byte
    // keys and values), the dY rows summed per index and scattered into dW.
    const double idx = static_cast<double>(emb->lookups) * 4;
    const double rows = static_cast<double>(emb->lookups * emb->dim) * elem(op.dtype);
    m.kernels.push_back(streaming("fill_zero_grad_weight", op.dtype, 0, out, 0, spec));
    m.kernels.push_back(streaming("radix_sort_indices", DType::fp32, 4 * 2 * idx, 4 * 2 * idx, 0, spec));
    m.kernels.push_back(
        streaming("embedding_backward_sum_and_scatter", op.dtype, rows + 2 * idx, rows, flops, spec));
  } else {
    m.kernels.push_back(streaming(std::string(op.kind_name()) + "_backward", op.dtype, in, out, flops, spec));
  }
  m.note = "memory-bound backward";
  return m;
}

}  // namespace orrery::mappers::gpu
