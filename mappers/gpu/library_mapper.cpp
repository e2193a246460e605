#include "mappers/gpu/library_mapper.hpp"

#include <fmt/format.h>

#include <variant>

#include "common/error.hpp"
#include "mappers/gpu/attention_kernels.hpp"
#include "mappers/gpu/conv_kernels.hpp"
#include "mappers/gpu/cudnn_attention_kernels.hpp"
#include "mappers/gpu/efficient_attention_kernels.hpp"
#include "mappers/gpu/gemm_kernels.hpp"
#include "mappers/gpu/layout_kernels.hpp"
#include "mappers/gpu/nchw_kernels.hpp"
#include "mappers/gpu/sdpa_dispatch.hpp"
#include "mappers/gpu/sdpa_math_kernels.hpp"
#include "mappers/gpu/spmm_kernels.hpp"
#include "mappers/gpu/stream_kernels.hpp"
#include "mappers/gpu/torch_gemm_kernels.hpp"
#include "mappers/gpu/torch_loss_kernels.hpp"
#include "mappers/gpu/torch_native_kernels.hpp"
#include "mappers/gpu/torch_row_kernels.hpp"
#include "mappers/gpu/training_kernels.hpp"

namespace orrery::mappers::gpu {

using namespace workloads;

namespace {

GpuMapping stream(const Op& op, const arch::gpu::GpuSpec& spec, std::string name, double read, double write,
                  int64_t max_ctas = 0) {
  StreamProblem p;
  p.name = std::move(name);
  p.dtype = op.dtype;
  p.read_bytes = read;
  p.write_bytes = write;
  p.flops = static_cast<double>(op.vector_flops());
  p.max_ctas = max_ctas;
  GpuMapping m;
  m.kernels.push_back(make_stream_kernel(p, spec));
  m.note = "memory-bound";
  return m;
}

// Inference batch norm as PyTorch launches it (running statistics). fp32 goes to cuDNN (ATen's
// backend choice: cuDNN where the weight's dtype is fp32 and matches a float input), one
// kernel. Otherwise ATen's native path: the running variance is cast to the accumulation type
// (a copy of C values), 1/sqrt(var + eps) is computed per channel (an elementwise kernel over
// C), then one kernel normalizes the activations. The two per-channel kernels are tiny, but
// each is a launch.
GpuMapping map_batch_norm_inference(const Op& op, const NormParams& n, const arch::gpu::GpuSpec& spec,
                                    double in, double out, Runtime rt) {
  const double c = static_cast<double>(n.channels > 0 ? n.channels : n.rows);  // per-channel statistics
  const double elem = static_cast<double>(dtype_bits(op.dtype)) / 8.0;
  GpuMapping m = stream(op, spec, "batchnorm_transform", in, out);
  if (rt == Runtime::pytorch && n.channels > 0) {
    const int64_t batch = n.rows / n.channels;
    const bool nchw = nchw_layout(n.layout, spec);
    if (op.dtype == DType::fp32 && n.spatial_dims != 3) {
      m.kernels.back() = cudnn_batch_norm_inference(batch, n.channels, n.cols, !nchw, op.dtype, spec);
      m.note =
          fmt::format("memory-bound; PyTorch eager: cuDNN inference batch norm ({})", nchw ? "NCHW" : "NHWC");
      return m;
    }
    // ATen: an image takes the layout's dedicated kernel; a volume the generic broadcasting
    // TensorIterator kernel (input, mean, invstd, weight, bias, output).
    m.kernels.back() = n.spatial_dims == 3 ? broadcast_elementwise("batch_norm_elementwise", n.rows * n.cols,
                                                                   n.channels, 6, op.dtype, spec)
                       : nchw ? batch_norm_transform_nchw(batch, n.channels, n.cols, op.dtype, false, spec)
                              : batch_norm_transform_channels_last(batch, n.channels, n.cols, op.dtype, spec);
  }
  for (const char* name : {"batchnorm_stats_cast", "batchnorm_invstd"}) {
    StreamProblem p;
    p.name = name;
    p.dtype = DType::fp32;
    p.read_bytes = c * elem;
    p.write_bytes = c * 4.0;
    p.flops = c;
    m.kernels.insert(m.kernels.end() - 1, make_stream_kernel(p, spec));
  }
  m.note = "memory-bound; PyTorch eager: stats cast + invstd + transform";
  return m;
}

}  // namespace

// A pooling op as ATen runs it: max pooling (2-D) in its layout's kernel, a global average (to
// 1x1) as a mean reduction; others stay streaming kernels.
GpuMapping map_pool_pytorch(const Op& op, const PoolParams& p, const arch::gpu::GpuSpec& spec, double in,
                            double out) {
  const auto o = p.out();
  const bool image = p.in[0] == 1 && p.kernel[0] == 1;
  if (image && p.mode == PoolParams::Mode::max) {
    const bool nchw = nchw_layout(p.layout, spec);
    GpuMapping m;
    m.kernels.push_back(nchw ? max_pool_nchw(p, op.dtype, spec) : max_pool_nhwc(p, op.dtype, spec));
    m.note = nchw ? "ATen max_pool_forward_nchw" : "ATen max_pool_forward_nhwc";
    return m;
  }
  if (p.mode == PoolParams::Mode::avg && o[0] * o[1] * o[2] == 1) {
    const int64_t pixels = p.in[0] * p.in[1] * p.in[2];
    GpuMapping m;
    // Past ~1k values per output the reduction spans CTAs and zeroes its accumulators first.
    if (pixels > 1024) m.kernels.push_back(memset_node(static_cast<double>(p.n * p.c) * 4.0, spec));
    m.kernels.push_back(spatial_mean_reduce(p.n, p.c, pixels, op.dtype, spec));
    m.note = "ATen reduce_kernel (mean over the spatial dims)";
    return m;
  }
  return stream(op, spec, "pool", in, out);
}

namespace {

GpuMapping one_kernel(arch::gpu::Kernel k, std::string note) {
  GpuMapping m;
  m.kernels.push_back(std::move(k));
  m.note = std::move(note);
  return m;
}

// One overload per op kind (a kind without one does not compile); `in`/`out` are the op's
// tensor bytes (inputs and weights, outputs).
struct MapOp {
  const Op& op;
  const arch::gpu::GpuSpec& spec;
  Runtime rt;
  double in, out;

  GpuMapping operator()(const GemmParams& g) const {
    GemmProblem p;
    p.batch = g.batch;
    p.m = g.m;
    p.n = g.n;
    p.k = g.k;
    p.dtype = op.dtype;
    p.b_shared = g.b_is_weight;
    const int64_t vec = std::max<int64_t>(1, 128 / dtype_bits(op.dtype));  // elements per 16 bytes
    // The leading dims as stored (the IR's convention, workloads/ops/gemm.hpp): A [m, k]
    // (trans_a: [k, m]); B [k, n] (trans_b: [n, k], an nn.Linear weight); C [m, n]. TMA and the
    // vectorized loads need each a multiple of 16 bytes.
    const int64_t lda = g.trans_a ? g.m : g.k, ldb = g.trans_b ? g.k : g.n;
    p.aligned = lda % vec == 0 && ldb % vec == 0 && g.n % vec == 0;
    p.align_elems = vec;  // widest vector (power of two) dividing both leading dimensions
    while (p.align_elems > 1 &&
           (lda % p.align_elems != 0 || ldb % p.align_elems != 0 || g.n % p.align_elems != 0))
      p.align_elems /= 2;
    if (rt == Runtime::pytorch && op.dtype == DType::int8) return map_int_mm(p, op, spec);
    // fp32 matmuls run on TF32 tensor cores only where torch.backends.cuda.matmul.allow_tf32 is
    // set (off by default); fp32 storage either way.
    if (rt == Runtime::pytorch && op.dtype == DType::fp32 && spec.software.allow_tf32_matmul)
      p.dtype = DType::tf32;
    GpuMapping m = one_kernel(choose_gemm_kernel(p, spec), spec.tensor_flops_per_clk(p.dtype) > 0
                                                               ? "cuBLASLt tensor-core GEMM"
                                                               : "SIMT GEMM (CUDA cores)");
    m.kernels.back().useful_flops += static_cast<double>(op.vector_flops());
    if (const int64_t split = m.kernels.back().split_k; split > 1)
      m.kernels.push_back(make_splitk_reduce(p, spec, split));
    return m;
  }
  GpuMapping operator()(const ConvParams& c) const {
    // fp32 convolutions run on TF32 tensor cores where torch.backends.cudnn.allow_tf32 (on by
    // default) lets cuDNN pick them (PyTorch only; the harness runs fp16/bf16); fp32 storage.
    const DType math = rt == Runtime::pytorch && op.dtype == DType::fp32 && spec.software.allow_tf32_cudnn
                           ? DType::tf32
                           : op.dtype;
    GpuMapping m =
        c.pass == ConvPass::forward ? map_conv(c, math, spec, rt) : map_conv_backward(c, math, spec, rt);
    if (rt != Runtime::pytorch) return m;
    // The op's layout=, else the software default.
    const bool nchw = nchw_layout(c.layout, spec);
    // Depthwise convs keep cuDNN's NHWC depthwise kernel (no layout data measured for them then).
    const bool depthwise = c.groups > 1 && c.groups == c.c_in && c.c_out / c.groups <= 4;
    // A 1x1 stride-1 conv is already a GEMM per image (NCHW: W [K, C] x X [C, HW]; NHWC: X [NHW, C]
    // x W^T): cuBLAS runs it with no transposes or padding (nvjet / cutlass gemm kernels in
    // random_ops_h100.csv, forward and data gradient).
    bool pointwise = c.groups == 1 && !c.transposed;
    for (int d = 0; d < 3; ++d)
      pointwise =
          pointwise && c.kernel[d] == 1 && c.stride[d] == 1 && c.pad_begin[d] == 0 && c.pad_end[d] == 0;
    // Fewer than 8 input channels (forward) run cuDNN's legacy kernels straight on the tensor as
    // stored (implicit_convolve_sgemm, the gather stem), without transposes or padding.
    const int64_t kernel_in_channels = c.pass == ConvPass::backward_data ? c.c_out : c.c_in / c.groups;
    const bool legacy = c.pass == ConvPass::forward && kernel_in_channels < 8;
    // Grouped convs: the transposes only (their channel padding is not measured).
    if (depthwise || pointwise || legacy || (!nchw && c.groups > 1)) return m;
    wrap_cudnn_layout(m, c, op.dtype, nchw, spec);
    return m;
  }
  GpuMapping operator()(const AttentionParams& a) const {
    using arch::gpu::AttentionBackend;
    const bool sdpa_dtype = op.dtype == DType::fp16 || op.dtype == DType::bf16 || op.dtype == DType::fp32 ||
                            op.dtype == DType::tf32;
    if (!sdpa_dtype) {
      if (a.backward) return map_attention_backward(op, a, spec);
      // PyTorch's SDPA has no 8-bit or 4-bit path: a FlashAttention-style fused kernel at the
      // dtype's tensor-core rate (what a custom kernel would reach), or the FP32 math path
      // where the GPU has no tensor path for it.
      if (spec.tensor_flops_per_clk(op.dtype) <= 0) {
        GpuMapping m = map_attention_math(a, DType::fp32, spec);
        m.note = "no tensor-core path for " + std::string(to_string(op.dtype)) + ": " + m.note;
        return m;
      }
      GpuMapping m = map_attention(a, op.dtype, spec);
      m.note =
          "no SDPA path for " + std::string(to_string(op.dtype)) + ": a FlashAttention-style fused kernel";
      return m;
    }
    // The op's backend=, else the config's software.attention_backend.
    const AttentionBackend requested =
        a.backend == AttentionBackend::auto_ ? spec.software.attention_backend : a.backend;
    const SdpaChoice c = select_sdpa_backend(a, op.dtype, spec, rt, requested);
    GpuMapping m;
    if (a.backward) {
      // The backward runs the forward's backend: cuDNN's bprop, else FlashAttention-2's backward
      // kernels (the memory-efficient backward is timed as those) or the math path's.
      AttentionParams chosen = a;
      chosen.backend = c.backend;
      m = c.backend == AttentionBackend::cudnn ? map_cudnn_attention_backward(a, op.dtype, spec)
                                               : map_attention_backward(op, chosen, spec);
      m.note = fmt::format("SDPA backend {} ({}), backward: {}", to_string(c.backend), c.why, m.note);
      return m;
    }
    switch (c.backend) {
      case AttentionBackend::cudnn:
        m = map_cudnn_attention(a, op.dtype, spec);
        break;
      case AttentionBackend::flash:
        m = map_attention(a, op.dtype, spec);
        break;
      case AttentionBackend::efficient:
        m = map_efficient_attention(a, op.dtype, spec);
        break;
      case AttentionBackend::math:
      case AttentionBackend::auto_:
        m = map_attention_math(a, op.dtype, spec);
        break;
    }
    m.note = fmt::format("SDPA backend {} ({}): {}", to_string(c.backend), c.why, m.note);
    return m;
  }
  GpuMapping operator()(const ElementwiseParams& e) const {
    // PyTorch vectorizes only same-shape operands; a broadcast takes the generic kernel.
    if (rt == Runtime::pytorch && (e.broadcast_numel > 0 || e.weight_numel > 0 || e.strided)) {
      const auto* f = find_elementwise(e.fn);
      const int operands = (f ? f->arity : 1) + (e.weight_numel > 0 ? 1 : 0) + 1;
      return one_kernel(
          generic_elementwise(("generic_" + e.fn).c_str(), e.numel, in, out, operands, op.dtype, spec),
          "ATen elementwise_kernel (broadcasting, not vectorized)");
    }
    if (rt == Runtime::pytorch && e.fn == "cast" && e.numel > 0 &&
        !vectorized_cast(in / static_cast<double>(e.numel), op.dtype))
      return one_kernel(unrolled_cast(e.numel, in, out, op.dtype, spec),
                        "ATen unrolled_elementwise_kernel (direct_copy, dynamic casting)");
    return stream(op, spec, "elementwise_" + e.fn, in, out);
  }
  GpuMapping operator()(const NormParams& n) const {
    if (n.backward || (n.training && n.type == NormParams::Type::batch))
      return map_norm_training(op, n, spec);
    if (n.type == NormParams::Type::batch) return map_batch_norm_inference(op, n, spec, in, out, rt);
    // F.layer_norm and (torch 2.11) F.rms_norm run ATen's layer-norm kernels.
    if (rt == Runtime::pytorch && (n.type == NormParams::Type::layer || n.type == NormParams::Type::rms))
      return map_layer_norm_pytorch(n.rows, n.cols, n.type == NormParams::Type::rms, op.dtype, spec);
    return stream(op, spec, fmt::format("{}norm", to_string(n.type)), in, out, n.rows);
  }
  GpuMapping operator()(const SoftmaxParams& s) const {
    if (s.backward && rt == Runtime::pytorch)
      return map_softmax_backward_pytorch(s.rows, s.cols, op.dtype, spec);
    if (s.backward) return map_memory_backward(op, spec);
    if (rt == Runtime::pytorch) return map_softmax_pytorch(s.rows, s.cols, op.dtype, spec);
    return stream(op, spec, "softmax", in, out, s.rows);
  }
  GpuMapping operator()(const PoolParams& p) const {
    if (p.backward) return map_memory_backward(op, spec);
    return rt == Runtime::pytorch ? map_pool_pytorch(op, p, spec, in, out)
                                  : stream(op, spec, "pool", in, out);
  }
  GpuMapping operator()(const ReduceParams& r) const {
    if (rt == Runtime::pytorch && r.out_numel > 0)
      return one_kernel(spatial_mean_reduce(1, r.out_numel, r.in_numel / r.out_numel, op.dtype, spec),
                        "ATen reduce_kernel");
    return stream(op, spec, "reduce", in, out);
  }
  GpuMapping operator()(const EmbeddingParams& e) const {
    if (rt == Runtime::pytorch) return map_embedding_pytorch(op, e, spec);
    if (e.backward) return map_memory_backward(op, spec);
    const double row = static_cast<double>(e.dim) * static_cast<double>(dtype_bits(op.dtype)) / 8.0;
    return stream(op, spec, "embedding_gather", static_cast<double>(e.lookups) * (row + 4.0), out);
  }
  GpuMapping operator()(const DataMovementParams& d) const {
    if (d.is_view()) {
      GpuMapping m;
      m.note = "view: no kernel";
      return m;
    }
    const bool partial_read =
        d.kind == DataMovementParams::Kind::slice || d.kind == DataMovementParams::Kind::gather;
    return stream(op, spec, std::string(to_string(d.kind)), partial_read ? out : in, out);
  }
  GpuMapping operator()(const workloads::LoopNestOpParams&) const {
    throw WorkloadError(fmt::format(
        "op '{}': not supported yet: a generic loop nest (--problem) on the gpu family", op.name));
  }
  GpuMapping operator()(const CrossEntropyParams& c) const {
    return rt == Runtime::pytorch ? map_cross_entropy_pytorch(op, c, spec) : map_cross_entropy(op, c, spec);
  }
  GpuMapping operator()(const OptimizerParams& o) const { return map_optimizer(o, spec); }
  GpuMapping operator()(const SpmmParams& s) const { return map_spmm(op, s, spec, rt); }
};

}  // namespace

GpuMapping map_op(const Op& op, const arch::gpu::GpuSpec& spec, Runtime rt) {
  const double in = static_cast<double>(op.input_bytes() + op.weight_bytes());
  const double out = static_cast<double>(op.output_bytes());
  return std::visit(MapOp{op, spec, rt, in, out}, op.params);
}

std::vector<GpuMapping> map_graph(const Graph& graph, const arch::gpu::GpuSpec& spec, bool fuse, Runtime rt) {
  const auto& ops = graph.ops();
  std::vector<std::vector<size_t>> producers(ops.size()), consumers(ops.size());
  for (auto [p, c] : graph.edges()) {
    producers[c].push_back(p);
    consumers[p].push_back(c);
  }
  std::vector<GpuMapping> out;
  out.reserve(ops.size());
  std::vector<std::string> root(ops.size());  // the conv/gemm whose epilogue an op joined
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    if (fuse && producers[i].size() == 1) {
      const size_t p = producers[i][0];
      const bool anchor = ops[p].get<ConvParams>() || ops[p].get<GemmParams>() || !root[p].empty();
      const auto* ew = op.get<ElementwiseParams>();
      const auto* fn = ew ? find_elementwise(ew->fn) : nullptr;
      const bool unary = fn && fn->arity == 1;
      const auto* norm = op.get<NormParams>();
      // Inference batch norm only: a training one computes batch statistics (its own kernels).
      const bool folds =
          unary || (norm && norm->type == NormParams::Type::batch && !norm->training && !norm->backward);
      if (anchor && folds && consumers[p].size() == 1) {
        root[i] = root[p].empty() ? ops[p].name : root[p];
        GpuMapping m;
        m.fused_into = root[i];
        m.note = norm ? "batch norm folded into the conv weights" : "fused into the producer's epilogue";
        out.push_back(std::move(m));
        continue;
      }
    }
    out.push_back(map_op(op, spec, rt));
  }
  return out;
}

}  // namespace orrery::mappers::gpu
