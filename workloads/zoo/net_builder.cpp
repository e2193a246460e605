#include "workloads/zoo/net_builder.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::workloads::zoo {

NetBuilder::NetBuilder(std::string graph_name, const BuildContext& ctx)
    : graph_(std::move(graph_name)), ctx_(ctx) {
  if (ctx_.batch <= 0)
    throw WorkloadError(
        fmt::format("{}: batch must be a positive integer, got {}", graph_.name(), ctx_.batch));
}

size_t NetBuilder::append(std::string name, OpParams params, const std::vector<size_t>& producers) {
  return append(std::move(name), std::move(params), producers, ctx_.dtype);
}

size_t NetBuilder::append(std::string name, OpParams params, const std::vector<size_t>& producers,
                          DType dtype) {
  std::vector<size_t> real;
  real.reserve(producers.size());
  for (size_t p : producers)
    if (p != kGraphInput) real.push_back(p);
  Op op = make_op(std::move(name), std::move(params), dtype);
  // Input i is producer i's output, and a graph input keeps its own slot: Graph::add names the
  // inputs by position among the real producers, which would shift an op whose graph input comes
  // first (gcn's adjacency, then its features) onto the wrong slots.
  std::vector<std::string> names;
  for (size_t i = 0; i < producers.size() && i < op.inputs.size(); ++i)
    names.push_back(producers[i] == kGraphInput ? op.inputs[i].name
                                                : graph_.ops().at(producers[i]).outputs.at(0).name);
  const size_t index = graph_.add(std::move(op), real);
  auto& added = graph_.mutable_ops()[index];
  for (size_t i = 0; i < names.size(); ++i) added.inputs[i].name = names[i];
  return index;
}

Fmap NetBuilder::conv(const std::string& name, const Fmap& x, int64_t c_out, int64_t k, int64_t stride,
                      int64_t pad, int64_t groups, bool bias) {
  ConvParams p;
  p.c_out = c_out;
  p.kernel = {1, k, k};
  p.stride = {1, stride, stride};
  p.pad_begin = p.pad_end = {0, pad, pad};
  p.groups = groups;
  p.bias = bias;
  return conv(name, x, p);
}

Fmap NetBuilder::conv(const std::string& name, const Fmap& x, ConvParams p) {
  p.rank = x.rank;
  p.n = ctx_.batch;
  p.c_in = x.c;
  p.in = x.size;
  const size_t op = append(name, p, {x.op});
  return Fmap{op, p.c_out, p.out(), x.rank};
}

Fmap NetBuilder::batchnorm(const std::string& name, const Fmap& x) {
  // Inference batchnorm: a per-channel scale and shift; gamma and beta are the parameters
  // (running mean/var are buffers, not parameters, as torchvision counts them).
  NormParams p{NormParams::Type::batch, ctx_.batch * x.c, x.pixels(), x.c, x.rank};
  // In training, nn.BatchNorm first bumps its num_batches_tracked buffer (an in-place add on one
  // int64: a kernel and a host dispatch per layer, CUDAFunctorOnSelf_add<long> 20 times in each
  // resnet18 forward of validation/data/training_h100_kernels.csv); it feeds nothing.
  if (training()) append(name + ".num_batches_tracked", ElementwiseParams{"add", 1}, {});
  return Fmap{append(name, p, {x.op}), x.c, x.size, x.rank};
}

Fmap NetBuilder::groupnorm(const std::string& name, const Fmap& x, int64_t groups) {
  if (x.c % groups)
    throw WorkloadError(fmt::format("{}: {} groups do not divide {} channels", name, groups, x.c));
  NormParams p{NormParams::Type::group, ctx_.batch * groups, x.c / groups * x.pixels(), x.c};
  return Fmap{append(name, p, {x.op}), x.c, x.size, x.rank};
}

Fmap NetBuilder::act(const std::string& name, const std::string& fn, const Fmap& x) {
  ElementwiseParams p{fn, ctx_.batch * x.c * x.pixels(), 0};
  return Fmap{append(name, p, {x.op}), x.c, x.size, x.rank};
}

Fmap NetBuilder::act_inplace(const std::string& name, const std::string& fn, const Fmap& x) {
  // ReLU's derivative reads its output, so in-place ReLU clones nothing; ReLU6's, SiLU's read the input.
  if (training() && !backward_reads_output(fn)) {
    const int64_t numel = ctx_.batch * x.c * x.pixels();
    append(name + ".inplace_clone", DataMovementParams{DataMovementParams::Kind::copy, {numel}, numel},
           {x.op});
  }
  return act(name, fn, x);
}

Fmap NetBuilder::add(const std::string& name, const Fmap& a, const Fmap& b) {
  if (a.c != b.c || a.size != b.size) throw std::logic_error(name + ": residual add of different shapes");
  ElementwiseParams p{"add", ctx_.batch * a.c * a.pixels(), 0};
  return Fmap{append(name, p, {a.op, b.op}), a.c, a.size, a.rank};
}

Fmap NetBuilder::mul(const std::string& name, const Fmap& x, const Fmap& gate) {
  if (x.c != gate.c) throw std::logic_error(name + ": channel mismatch");
  ElementwiseParams p{"mul", ctx_.batch * x.c * x.pixels(), 0};
  if (gate.pixels() != x.pixels()) p.broadcast_numel = ctx_.batch * gate.c * gate.pixels();
  return Fmap{append(name, p, {x.op, gate.op}), x.c, x.size, x.rank};
}

Fmap NetBuilder::pool(const std::string& name, PoolParams::Mode mode, const Fmap& x, Dims3 kernel,
                      Dims3 stride, Dims3 pad, bool ceil_mode) {
  PoolParams p;
  p.mode = mode;
  p.rank = x.rank;
  p.n = ctx_.batch;
  p.c = x.c;
  p.in = x.size;
  p.kernel = kernel;
  p.stride = stride;
  p.pad_begin = p.pad_end = pad;
  p.ceil_mode = ceil_mode;
  const size_t op = append(name, p, {x.op});
  return Fmap{op, x.c, p.out(), x.rank};
}

Fmap NetBuilder::maxpool(const std::string& name, const Fmap& x, int64_t k, int64_t stride, int64_t pad) {
  return pool(name, PoolParams::Mode::max, x, {1, k, k}, {1, stride, stride}, {0, pad, pad});
}

Fmap NetBuilder::global_avgpool(const std::string& name, const Fmap& x) {
  return pool(name, PoolParams::Mode::avg, x, x.size, x.size, {0, 0, 0});
}

Fmap NetBuilder::upsample_nearest(const std::string& name, const Fmap& x, int64_t factor) {
  const int64_t numel = ctx_.batch * x.c * x.pixels();
  const int64_t scale = x.rank == 3 ? factor * factor * factor : factor * factor;
  DataMovementParams p{DataMovementParams::Kind::upsample, {numel}, numel * scale};
  Dims3 s = x.size;
  for (int i = 3 - x.rank; i < 3; ++i) s[i] *= factor;
  return Fmap{append(name, p, {x.op}), x.c, s, x.rank};
}

Fmap NetBuilder::concat(const std::string& name, const Fmap& a, const Fmap& b) {
  if (a.size != b.size) throw std::logic_error(name + ": concat of different spatial sizes");
  DataMovementParams p{DataMovementParams::Kind::concat,
                       {ctx_.batch * a.c * a.pixels(), ctx_.batch * b.c * b.pixels()},
                       ctx_.batch * (a.c + b.c) * a.pixels()};
  return Fmap{append(name, p, {a.op, b.op}), a.c + b.c, a.size, a.rank};
}

Seq NetBuilder::to_tokens(const std::string& name, const Fmap& x) {
  const int64_t numel = ctx_.batch * x.c * x.pixels();
  const auto kind = x.pixels() == 1 ? DataMovementParams::Kind::reshape : DataMovementParams::Kind::transpose;
  DataMovementParams p{kind, {numel}, numel};
  return Seq{append(name, p, {x.op}), ctx_.batch * x.pixels(), x.c};
}

Fmap NetBuilder::to_fmap(const std::string& name, const Seq& x, const Fmap& like) {
  const int64_t numel = x.rows * x.cols;
  DataMovementParams p{DataMovementParams::Kind::transpose, {numel}, numel};
  return Fmap{append(name, p, {x.op}), x.cols, like.size, like.rank};
}

Seq NetBuilder::flatten(const std::string& name, const Fmap& x) {
  const int64_t numel = ctx_.batch * x.c * x.pixels();
  DataMovementParams p{DataMovementParams::Kind::reshape, {numel}, numel};
  return Seq{append(name, p, {x.op}), ctx_.batch, x.c * x.pixels()};
}

Seq NetBuilder::linear(const std::string& name, const Seq& x, int64_t out, bool bias) {
  GemmParams p{1, x.rows, out, x.cols, true, bias};
  p.trans_b = true;  // nn.Linear keeps its weight [out, in]: B stored [n, k]
  return Seq{append(name, p, {x.op}), x.rows, out};
}

Seq NetBuilder::matmul_shared(const std::string& name, const Seq& x, size_t b_op, int64_t out) {
  GemmParams p{1, x.rows, out, x.cols, false, false};
  return Seq{append(name, p, {x.op, b_op}), x.rows, out};
}

Seq NetBuilder::layernorm(const std::string& name, const Seq& x) {
  NormParams p{NormParams::Type::layer, x.rows, x.cols, x.cols};
  return Seq{append(name, p, {x.op}), x.rows, x.cols};
}

Seq NetBuilder::rmsnorm(const std::string& name, const Seq& x) {
  NormParams p{NormParams::Type::rms, x.rows, x.cols, x.cols};
  return Seq{append(name, p, {x.op}), x.rows, x.cols};
}

Seq NetBuilder::act(const std::string& name, const std::string& fn, const Seq& x) {
  ElementwiseParams p{fn, x.rows * x.cols, 0};
  return Seq{append(name, p, {x.op}), x.rows, x.cols};
}

Seq NetBuilder::add(const std::string& name, const Seq& a, const Seq& b) {
  if (a.cols != b.cols) throw std::logic_error(name + ": add of different widths");
  ElementwiseParams p{"add", a.rows * a.cols, 0};
  return Seq{append(name, p, {a.op, b.op}), a.rows, a.cols};
}

Seq NetBuilder::mul(const std::string& name, const Seq& a, const Seq& b) {
  ElementwiseParams p{"mul", a.rows * a.cols, 0};
  return Seq{append(name, p, {a.op, b.op}), a.rows, a.cols};
}

Seq NetBuilder::swiglu(const std::string& name, const Seq& gate, const Seq& up) {
  ElementwiseParams p{"swiglu", gate.rows * gate.cols, 0};
  return Seq{append(name, p, {gate.op, up.op}), gate.rows, gate.cols};
}

Seq NetBuilder::embedding(const std::string& name, int64_t lookups, int64_t vocab, int64_t dim) {
  EmbeddingParams p{lookups, vocab, dim};
  return Seq{append(name, p, {}), lookups, dim};
}

Seq NetBuilder::concat_rows(const std::string& name, const Seq& a, const Seq& b) {
  if (a.cols != b.cols) throw std::logic_error(name + ": concat of different widths");
  DataMovementParams p{
      DataMovementParams::Kind::concat, {a.rows * a.cols, b.rows * b.cols}, (a.rows + b.rows) * a.cols};
  return Seq{append(name, p, {a.op, b.op}), a.rows + b.rows, a.cols};
}

Seq NetBuilder::select_rows(const std::string& name, const Seq& x, int64_t rows) {
  DataMovementParams p{DataMovementParams::Kind::slice, {x.rows * x.cols}, rows * x.cols};
  return Seq{append(name, p, {x.op}), rows, x.cols};
}

Seq NetBuilder::dropout(const std::string& name, const Seq& x) {
  return training() ? act(name, "dropout", x) : x;
}

Seq NetBuilder::attention(const std::string& name, const Seq& q, const Seq& k, const Seq& v, int64_t heads,
                          int64_t kv_heads, int64_t q_len, int64_t kv_len, bool causal, bool padding_mask) {
  if (q.cols % heads)
    throw WorkloadError(fmt::format("{}: {} heads do not divide width {}", name, heads, q.cols));
  AttentionParams p{ctx_.batch, heads, kv_heads, q_len, kv_len, q.cols / heads, causal, padding_mask};
  return Seq{append(name, p, {q.op, k.op, v.op}), q.rows, q.cols};
}

}  // namespace orrery::workloads::zoo
