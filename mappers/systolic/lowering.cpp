#include "mappers/systolic/lowering.hpp"

#include <fmt/format.h>

#include <variant>

#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::mappers::systolic {
namespace {

using arch::systolic::SystolicSpec;
using workloads::Op;

int64_t numel_sum(const std::vector<workloads::Tensor>& list) {
  int64_t n = 0;
  for (const auto& t : list) n = checked_add(n, t.numel(), "tensor size");
  return n;
}

int64_t mul(std::initializer_list<int64_t> xs) {
  int64_t r = 1;
  for (int64_t x : xs) r = checked_mul(r, x, "systolic lowering");
  return r;
}

void lower_conv(const workloads::ConvParams& p, const SystolicSpec& s, Lowering& out) {
  const int64_t ib = s.input_bytes, ob = s.output_bytes;
  const int64_t cg = p.c_in / p.groups, mg = p.c_out / p.groups;
  int64_t out_pixels = p.out_pixels();
  int64_t in_volume = p.in[0] * p.in[1] * p.in[2];
  if (s.timing == arch::systolic::Timing::scalesim && !p.transposed) {
    // SCALE-Sim's view: the input pre-padded, output extent by its ceil formula (which gives a
    // phantom row/column when (H - F) is not a multiple of the stride).
    out_pixels = 1;
    in_volume = 1;
    for (int i = 0; i < 3; ++i) {
      const int64_t padded = p.in[i] + p.pad_begin[i] + p.pad_end[i];
      const int64_t extent = p.dilation[i] * (p.kernel[i] - 1) + 1;
      out_pixels = mul({out_pixels, scalesim_conv_out(padded, extent, p.stride[i])});
      in_volume = mul({in_volume, padded});
    }
    out.notes.push_back("scalesim: conv on the pre-padded input, output extent ceil((H - F + s) / s)");
  }
  GemmShape g;
  g.what = p.groups > 1 ? "conv (im2col), one GEMM per group" : "conv (im2col)";
  g.count = p.groups;
  g.dims = {mul({p.n, out_pixels}), mg, mul({cg, p.kernel_volume()})};
  g.ifmap_bytes = mul({p.n, cg, in_volume, ib});
  g.filter_bytes = mul({g.dims.n, g.dims.k, ib});
  g.extra_read_bytes = p.bias ? mg * ib : 0;
  g.ofmap_bytes = mul({g.dims.m, g.dims.n, ob});
  out.gemms.push_back(g);
  out.notes.push_back(
      fmt::format("im2col: M = N x output pixels = {}, N = filters per group = {}, K = C/groups x "
                  "kernel volume = {}",
                  g.dims.m, g.dims.n, g.dims.k));
  if (p.transposed)
    out.notes.push_back(
        "transposed conv run as a direct conv over the zero-inserted input: the array also "
        "multiplies the inserted zeros");
}

void lower_gemm(const workloads::GemmParams& p, const SystolicSpec& s, Lowering& out) {
  const int64_t ib = s.input_bytes, ob = s.output_bytes;
  GemmShape g;
  g.what = "gemm";
  if (p.b_is_weight) {  // a Linear layer: the weight is shared, so the batch folds into M
    g.count = 1;
    g.dims = {mul({p.batch, p.m}), p.n, p.k};
  } else {
    g.count = p.batch;
    g.dims = {p.m, p.n, p.k};
  }
  g.ifmap_bytes = mul({g.dims.m, g.dims.k, ib});
  g.filter_bytes = mul({g.dims.k, g.dims.n, ib});
  g.extra_read_bytes = p.bias ? p.n * ib : 0;
  g.ofmap_bytes = mul({g.dims.m, g.dims.n, ob});
  out.gemms.push_back(g);
}

// The weight gradient of a conv: per group, dW[M = c_out/g, N = c_in/g x taps] = dY[M, K] x
// im2col(X)[K, N] with K = n x output pixels. The operands come from DRAM as stored: dY, and X
// once (im2col addressing re-reads it on chip, as the forward's lowering assumes).
void lower_conv_wgrad(const workloads::ConvParams& p, const SystolicSpec& s, Lowering& out) {
  const int64_t ib = s.input_bytes, ob = s.output_bytes;
  const workloads::GemmParams w = p.backward_weight_as_gemm();
  const int64_t cg = p.c_in / p.groups;
  GemmShape g;
  g.what = "conv weight gradient (dY x im2col(X))";
  g.count = w.batch;
  g.dims = {w.m, w.n, w.k};
  g.ifmap_bytes = mul({w.m, w.k, ib});
  g.filter_bytes = mul({p.n, cg, p.in[0] * p.in[1] * p.in[2], ib});
  g.ofmap_bytes = mul({w.m, w.n, ob});
  out.gemms.push_back(g);
  if (p.bias) {  // db: a row sum of dY, streamed
    out.notes.push_back("bias gradient (a row sum of dY) not timed: assumed fused into the dY read");
  }
  out.notes.push_back(fmt::format(
      "weight gradient as GEMM: M = K/groups = {}, N = C/groups x kernel volume = {}, K = N x output "
      "pixels = {}",
      g.dims.m, g.dims.n, g.dims.k));
}

void lower_attention(const workloads::AttentionParams& p, const SystolicSpec& s, Lowering& out) {
  const int64_t ib = s.input_bytes, ob = s.output_bytes;
  const int64_t heads = mul({p.batch, p.heads});
  if (p.backward) {
    // Per (batch, head), with P = softmax(S) [q x kv]: dV = P^T dO, dP = dO V^T, dQ = dS K,
    // dK = dS^T Q; the fused backends recompute S = Q K^T first. Each operand from DRAM once.
    auto gemm = [&](const char* what, int64_t m, int64_t n, int64_t k) {
      GemmShape g;
      g.what = what;
      g.count = heads;
      g.dims = {m, n, k};
      g.ifmap_bytes = mul({m, k, ib});
      g.filter_bytes = mul({k, n, ib});
      g.ofmap_bytes = mul({m, n, ob});
      return g;
    };
    if (p.recomputes_scores())
      out.gemms.push_back(gemm("attention backward: S = Q K^T (recomputed)", p.q_len, p.kv_len, p.head_dim));
    out.gemms.push_back(gemm("attention backward: dV = P^T dO", p.kv_len, p.head_dim, p.q_len));
    out.gemms.push_back(gemm("attention backward: dP = dO V^T", p.q_len, p.kv_len, p.head_dim));
    out.gemms.push_back(gemm("attention backward: dQ = dS K", p.q_len, p.head_dim, p.kv_len));
    out.gemms.push_back(gemm("attention backward: dK = dS^T Q", p.kv_len, p.head_dim, p.q_len));
    out.notes.push_back(
        "attention backward as batched GEMMs per (batch, head); P and dS go to DRAM and back; the "
        "softmax gradient is not timed (assumed fused into the dP write-back)");
    return;
  }
  GemmShape qk;
  qk.what = "attention QK^T";
  qk.count = heads;
  qk.dims = {p.q_len, p.kv_len, p.head_dim};
  qk.ifmap_bytes = mul({p.q_len, p.head_dim, ib});
  qk.filter_bytes = mul({p.kv_len, p.head_dim, ib});
  qk.ofmap_bytes = mul({p.q_len, p.kv_len, ob});
  GemmShape av;
  av.what = "attention AV";
  av.count = heads;
  av.dims = {p.q_len, p.head_dim, p.kv_len};
  av.ifmap_bytes = mul({p.q_len, p.kv_len, ib});
  av.filter_bytes = mul({p.kv_len, p.head_dim, ib});
  av.ofmap_bytes = mul({p.q_len, p.head_dim, ob});
  out.gemms = {qk, av};
  out.notes.push_back(
      "attention as two batched GEMMs per (batch, head): S = Q K^T, then O = S V; the scores S go "
      "to DRAM and back; the softmax on S is not timed (assumed fused into the S write-back)");
  if (p.causal) out.notes.push_back("causal mask not exploited: the full QK^T and AV are computed");
  if (p.kv_heads != p.heads)
    out.notes.push_back("grouped-query attention: K and V are re-read for every head");
}

// spmm (graph aggregation, out = A X with A sparse) as a dense fallback. A systolic array has no
// gather: in every dataflow one operand streams along an array row or column and is shared by
// all PEs there, while a sparse row needs the X rows its own column indices pick. So A is
// expanded to its dense rows x cols matrix (zeros included) and multiplied as the GEMM
// M = rows, N = features, K = cols: cycles and traffic follow the dense shape, and the MACs on
// A's zeros are done (and paid for) like any other.
void lower_spmm(const workloads::SpmmParams& p, const SystolicSpec& s, Lowering& out) {
  const int64_t ib = s.input_bytes, ob = s.output_bytes;
  GemmShape g;
  g.what = "spmm dense fallback (A as a dense rows x cols matrix)";
  g.dims = {p.rows, p.features, p.cols};
  g.ifmap_bytes = mul({p.rows, p.cols, ib});
  g.filter_bytes = mul({p.cols, p.features, ib});
  g.ofmap_bytes = mul({p.rows, p.features, ob});
  out.gemms.push_back(g);
  // What the array must at least move: the dense A, X and the output (the CSR arrays are
  // expanded before the array sees them).
  out.compulsory_read_bytes = checked_add(g.ifmap_bytes, g.filter_bytes, "spmm bytes");
  out.compulsory_write_bytes = g.ofmap_bytes;
  const double dense_macs = static_cast<double>(p.rows) * static_cast<double>(p.cols);
  out.notes.push_back(fmt::format(
      "spmm dense fallback: no sparse dataflow on a systolic array; A ({} x {}, nnz {}, density {:.3g}) "
      "multiplied as a dense GEMM M = {}, N = {}, K = {}: {:.3g}x the {} useful MACs",
      p.rows, p.cols, p.nnz, static_cast<double>(p.nnz) / dense_macs, p.rows, p.features, p.cols,
      dense_macs / static_cast<double>(p.nnz), mul({p.nnz, p.features})));
}

// An op with no MACs: not run on the array, streamed once through the chip.
MemoryPass stream_pass(const Op& op, const SystolicSpec& s) {
  MemoryPass m;
  m.read_bytes = checked_add(mul({numel_sum(op.inputs), s.input_bytes}),
                             mul({numel_sum(op.weights), s.input_bytes}), op.name);
  m.write_bytes = mul({numel_sum(op.outputs), s.output_bytes});
  m.reason = fmt::format(
      "{}: no MACs; not run on the array, streamed once through the chip, bound by DRAM "
      "bandwidth (its {} vector FLOPs are assumed hidden under the transfer)",
      op.kind_name(), op.vector_flops());
  return m;
}

// One overload per op kind (a kind without one does not compile): the MAC ops become GEMM
// passes on the array (spmm as a dense fallback), the rest memory passes.
struct LowerOp {
  const Op& op;
  const SystolicSpec& s;
  Lowering& out;

  void operator()(const workloads::ConvParams& p) const {
    switch (p.pass) {
      case workloads::ConvPass::forward:
        lower_conv(p, s, out);
        return;
      case workloads::ConvPass::backward_data:
        // dX is a conv over dY with the channels swapped (transposed for a strided forward).
        lower_conv(p.backward_data_as_forward(), s, out);
        out.notes.push_back("data gradient: the conv of dY with the channels swapped");
        return;
      case workloads::ConvPass::backward_weight:
        lower_conv_wgrad(p, s, out);
        return;
    }
  }
  void operator()(const workloads::GemmParams& p) const {
    lower_gemm(p, s, out);
    // The array streams whichever operand layout DRAM holds; a transposed operand is the same
    // GEMM with its addresses walked the other way.
    if (p.trans_a || p.trans_b) out.notes.push_back("transposed operand: same GEMM, read in the other order");
  }
  void operator()(const workloads::AttentionParams& p) const { lower_attention(p, s, out); }
  void operator()(const workloads::LoopNestOpParams&) const {
    throw WorkloadError(
        fmt::format("{}: not supported yet: a generic loop nest (--problem) on a systolic array", op.name));
  }
  void operator()(const workloads::SpmmParams& p) const { lower_spmm(p, s, out); }
  void operator()(const workloads::EmbeddingParams& e) const {
    if (e.backward) {  // scatter-add of the dY rows into the whole dW table
      out.memory = stream_pass(op, s);
      return;
    }
    MemoryPass m;
    m.read_bytes =
        mul({e.lookups, 4}) + mul({e.lookups, e.dim, s.input_bytes});  // 32-bit indices + looked-up rows
    m.write_bytes = mul({e.lookups, e.dim, s.output_bytes});
    m.reason = "embedding: no MACs; the looked-up rows stream through the chip, bound by DRAM bandwidth";
    out.memory = m;
  }
  void operator()(const workloads::DataMovementParams& d) const {
    if (!d.is_view()) {
      out.memory = stream_pass(op, s);
      return;
    }
    MemoryPass m;
    m.reason = "view: no data moved";
    out.memory = m;
  }
  void operator()(const workloads::PoolParams&) const { out.memory = stream_pass(op, s); }
  void operator()(const workloads::ElementwiseParams&) const { out.memory = stream_pass(op, s); }
  void operator()(const workloads::NormParams&) const { out.memory = stream_pass(op, s); }
  void operator()(const workloads::SoftmaxParams&) const { out.memory = stream_pass(op, s); }
  void operator()(const workloads::ReduceParams&) const { out.memory = stream_pass(op, s); }
  void operator()(const workloads::CrossEntropyParams&) const { out.memory = stream_pass(op, s); }
  // An optimizer step as its fused kernel would run: params, grads and state in, params and
  // state out, once (the chip has no foreach launch overheads to model).
  // The master weights and state are fp32 whatever the array's data words: their real bytes.
  void operator()(const workloads::OptimizerParams&) const {
    MemoryPass m;
    m.read_bytes = op.input_bytes();
    m.write_bytes = op.output_bytes();
    m.reason = fmt::format("{}: no MACs; master weights, grads and state streamed once (fused update)",
                           op.describe());
    out.memory = m;
  }
};

}  // namespace

int64_t scalesim_conv_out(int64_t padded_in, int64_t kernel_extent, int64_t stride) {
  return ceil_div(padded_in - kernel_extent + stride, stride);
}

Lowering lower(const Op& op, const SystolicSpec& s) {
  Lowering out;
  std::visit(LowerOp{op, s, out}, op.params);

  if (out.memory) {
    out.compulsory_read_bytes = out.memory->read_bytes;
    out.compulsory_write_bytes = out.memory->write_bytes;
  } else {
    if (out.compulsory_read_bytes == 0 && out.compulsory_write_bytes == 0) {  // not set by the kind
      out.compulsory_read_bytes = checked_add(mul({numel_sum(op.inputs), s.input_bytes}),
                                              mul({numel_sum(op.weights), s.input_bytes}), op.name);
      out.compulsory_write_bytes = mul({numel_sum(op.outputs), s.output_bytes});
    }
    out.notes.push_back(
        fmt::format("words: input {} B, output {} B, partial sum {} B (data.*; the op's dtype {} "
                    "sets no sizes here)",
                    s.input_bytes, s.output_bytes, s.accumulator_bytes, workloads::to_string(op.dtype)));
  }
  return out;
}

}  // namespace orrery::mappers::systolic
