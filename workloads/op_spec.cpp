#include "workloads/op_spec.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "workloads/spec_args.hpp"

namespace orrery::workloads {
namespace {

ConvParams parse_conv(SpecArgs& a, int rank) {
  ConvParams p;
  p.rank = rank;
  p.n = a.integer("N", 1);
  p.c_in = a.integer("C");
  p.c_out = a.integer("K");
  const int64_t stride = a.integer("stride", 1), pad = a.integer("pad", 0), dil = a.integer("dilation", 1);
  const char* in_keys[3] = {"D", "H", "W"};
  const char* k_keys[3] = {"T", "R", "S"};
  for (int i = 3 - rank; i < 3; ++i) {
    p.in[i] = a.integer(in_keys[i]);
    p.kernel[i] = a.integer(k_keys[i]);
    p.stride[i] = stride;
    p.pad_begin[i] = p.pad_end[i] = pad;
    p.dilation[i] = dil;
  }
  p.groups = a.integer("groups", 1);
  p.bias = a.flag("bias", false);
  if (p.groups == 0 || p.stride[2] == 0 || p.dilation[2] == 0)
    throw WorkloadError(fmt::format("--op '{}': stride, dilation and groups must be positive", a.spec()));
  return p;
}

OpParams parse_params(SpecArgs& a) {
  const std::string& kind = a.head();
  if (kind == "gemm" || kind == "matmul") {
    GemmParams p;
    p.batch = a.integer("B", 1);
    p.m = a.integer("M");
    p.n = a.integer("N");
    p.k = a.integer("K");
    if (p.batch == 0) throw WorkloadError(fmt::format("--op '{}': B must be positive", a.spec()));
    return p;
  }
  if (kind == "conv1d") return parse_conv(a, 1);
  if (kind == "conv2d" || kind == "conv") return parse_conv(a, 2);
  if (kind == "conv3d") return parse_conv(a, 3);
  if (kind == "attention") {
    AttentionParams p;
    p.batch = a.integer("B");
    p.heads = a.integer("H");
    p.q_len = a.integer("S");
    p.head_dim = a.integer("D");
    p.kv_len = a.has("kv") ? a.integer("kv") : p.q_len;
    p.kv_heads = a.has("kv_heads") ? a.integer("kv_heads") : p.heads;
    p.causal = a.flag("causal", false);
    p.padding_mask = a.flag("padding_mask", false);
    return p;
  }
  if (kind == "elementwise") {
    ElementwiseParams p;
    p.fn = a.text("op", "add");
    p.numel = a.integer("numel");
    return p;
  }
  if (kind == "layernorm" || kind == "rmsnorm") {
    NormParams p;
    p.type = kind == "layernorm" ? NormParams::Type::layer : NormParams::Type::rms;
    p.rows = a.integer("rows");
    p.cols = a.integer("cols");
    p.channels = p.cols;
    return p;
  }
  if (kind == "batchnorm") {  // inference batch norm over an N x C x [D x] H x W activation
    NormParams p;
    p.type = NormParams::Type::batch;
    p.channels = a.integer("C");
    p.rows = a.integer("N", 1) * p.channels;
    p.spatial_dims = a.has("D") ? 3 : 2;
    p.cols = a.integer("D", 1) * a.integer("H") * a.integer("W");
    return p;
  }
  if (kind == "softmax") return SoftmaxParams{a.integer("rows"), a.integer("cols")};
  if (kind == "copy") {
    DataMovementParams p;
    p.kind = DataMovementParams::Kind::copy;
    p.in_numels = {a.integer("bytes")};
    p.out_numel = p.in_numels[0];
    return p;
  }
  if (kind == "pool" || kind == "maxpool" || kind == "avgpool") {
    PoolParams p;
    const std::string mode = a.text("mode", kind == "avgpool" ? "avg" : "max");
    if (mode != "max" && mode != "avg")
      throw WorkloadError(fmt::format("--op '{}': mode expected max|avg, got '{}'", a.spec(), mode));
    p.mode = mode == "max" ? PoolParams::Mode::max : PoolParams::Mode::avg;
    p.n = a.integer("N", 1);
    p.c = a.integer("C");
    p.in = {1, a.integer("H"), a.integer("W")};
    p.kernel = {1, a.integer("R"), a.integer("S")};
    const int64_t s = a.integer("stride", 1), pad = a.integer("pad", 0);
    p.stride = {1, s, s};
    p.pad_begin = p.pad_end = {0, pad, pad};
    return p;
  }
  if (kind == "spmm")
    return SpmmParams{a.integer("rows"), a.integer("cols"), a.integer("nnz"), a.integer("F")};
  throw WorkloadError(
      fmt::format("--op '{}': unknown op kind '{}' (expected "
                  "gemm|conv1d|conv2d|conv3d|attention|elementwise|layernorm|rmsnorm|"
                  "batchnorm|softmax|copy|pool|maxpool|avgpool|spmm)",
                  a.spec(), kind));
}

}  // namespace

Graph parse_op_spec(const std::string& spec, std::optional<DType> default_dtype) {
  SpecArgs args(spec, "--op");
  OpParams params = parse_params(args);
  const bool is_copy = args.head() == "copy";
  DType dtype = is_copy ? DType::int8 : default_dtype.value_or(DType::fp16);
  if (args.has("dtype")) {
    const std::string text = args.text("dtype", "");
    auto parsed = parse_dtype(text);
    if (!parsed)
      throw WorkloadError(fmt::format("--op '{}': dtype expected {}, got '{}'", spec, dtype_choices(), text));
    dtype = *parsed;
  }
  args.finish();
  Graph g(spec);
  g.add(make_op(args.head(), std::move(params), dtype));
  return g;
}

}  // namespace orrery::workloads
