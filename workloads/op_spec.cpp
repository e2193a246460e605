#include "workloads/op_spec.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <string_view>

#include "common/checked_math.hpp"
#include "common/error.hpp"
#include "workloads/spec_args.hpp"

namespace orrery::workloads {
namespace {

// An enum-valued key: `choices` in order of the enum's values; an unknown value lists them.
template <class E, size_t N>
E choice(SpecArgs& a, const std::string& key, const std::array<std::string_view, N>& choices, E fallback) {
  if (!a.has(key)) return fallback;
  const std::string v = a.text(key, "");
  for (size_t i = 0; i < N; ++i)
    if (choices[i] == v) return static_cast<E>(i);
  std::string list;
  for (auto c : choices) {
    if (!list.empty()) list += '|';
    list += c;
  }
  throw WorkloadError(fmt::format("--op '{}': {} expected {}, got '{}'", a.spec(), key, list, v));
}

// pass=forward|backward for the ops whose gradient is one op of the same kind.
bool backward_pass(SpecArgs& a) {
  return choice(a, "pass", std::array<std::string_view, 2>{"forward", "backward"}, 0) == 1;
}

ConvLayout parse_layout(SpecArgs& a) {
  return choice(a, "layout", std::array<std::string_view, 3>{"unset", "nhwc", "nchw"}, ConvLayout::unset);
}

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
  p.pass = choice(a, "pass", std::array<std::string_view, 3>{"forward", "backward_data", "backward_weight"},
                  ConvPass::forward);
  p.layout = parse_layout(a);
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
    p.trans_a = a.flag("transA", false);
    // The spec's transB is relative to F.linear (validation/README.md: transB=0 is a weight
    // stored [N, K], transB=1 torch.mm's row-major [K, N]); the IR's trans_b is relative to its
    // [K, N] default (workloads/ops/gemm.hpp). This is the one place the two meet.
    p.trans_b = !a.flag("transB", false);
    p.bias = a.flag("bias", false);  // F.linear's bias (the GEMM's epilogue adds it)
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
    p.head_dim = a.integer("D");
    // S is the sequence length; with q= (decode against a KV cache) S is the cache and q the
    // queries. kv= still overrides the key length.
    const int64_t s = a.integer("S");
    p.q_len = a.has("q") ? a.integer("q") : s;
    p.kv_len = a.has("kv") ? a.integer("kv") : s;
    p.backend =
        choice(a, "backend", std::array<std::string_view, 5>{"auto", "flash", "efficient", "cudnn", "math"},
               AttentionBackend::auto_);
    p.backward = backward_pass(a);
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
    p.backward = backward_pass(a);
    return p;
  }
  if (kind == "batchnorm") {  // batch norm over an N x C x [D x] H x W activation
    NormParams p;
    p.type = NormParams::Type::batch;
    p.channels = a.integer("C");
    const std::string what = fmt::format("--op '{}'", a.spec());
    p.rows = checked_mul(a.integer("N", 1), p.channels, what + ": N x C");
    p.spatial_dims = a.has("D") ? 3 : 2;
    p.cols = checked_mul(checked_mul(a.integer("D", 1), a.integer("H"), what + ": D x H"), a.integer("W"),
                         what + ": D x H x W");
    p.backward = backward_pass(a);
    // mode=train: the batch's statistics (as a training step's forward); a backward batch norm
    // always uses them. The default is inference (running statistics).
    p.training =
        choice(a, "mode", std::array<std::string_view, 2>{"inference", "train"}, 0) == 1 || p.backward;
    p.layout = parse_layout(a);
    return p;
  }
  if (kind == "softmax") {
    SoftmaxParams p{a.integer("rows"), a.integer("cols")};
    p.backward = backward_pass(a);
    return p;
  }
  if (kind == "cross_entropy") {
    CrossEntropyParams p;
    p.rows = a.integer("rows");
    if (a.has("vocab") == a.has("classes"))
      throw WorkloadError(fmt::format("--op '{}': expected one of vocab= or classes=", a.spec()));
    p.classes = a.has("vocab") ? a.integer("vocab") : a.integer("classes");
    p.backward = backward_pass(a);
    return p;
  }
  if (kind == "optimizer") {
    OptimizerParams p;
    if (a.has("numels")) {  // each parameter tensor's elements, '/'-separated, in torch.optim's order
      const std::string list = a.text("numels", "");
      size_t start = 0;
      while (start <= list.size()) {
        const size_t end = std::min(list.find('/', start), list.size());
        const std::string item = list.substr(start, end - start);
        int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (ec != std::errc{} || ptr != item.data() + item.size() || v <= 0)
          throw WorkloadError(fmt::format(
              "--op '{}': numels= expected positive integers separated by '/', got '{}'", a.spec(), item));
        p.tensor_numels.push_back(v);
        start = end + 1;
      }
      p.params = 0;
      for (int64_t n : p.tensor_numels) p.params += n;
      if (a.has("params") && a.integer("params") != p.params)
        throw WorkloadError(
            fmt::format("--op '{}': params= differs from the sum of numels= ({})", a.spec(), p.params));
    } else {
      p.params = a.integer("params");
    }
    p.algo = choice(a, "algo", std::array<std::string_view, 4>{"sgd", "sgd_momentum", "adam", "adamw"},
                    OptimizerAlgo::adamw);
    p.impl = choice(a, "impl", std::array<std::string_view, 2>{"foreach", "fused"}, OptimizerImpl::foreach);
    if (a.has("tensors") &&
        p.tensor_numels
            .empty()) {  // the parameters split into this many equal tensors (the last takes the rest)
      const int64_t n = a.integer("tensors");
      if (n <= 0 || n > p.params)
        throw WorkloadError(fmt::format("--op '{}': tensors= must be 1..params, got {}", a.spec(), n));
      p.tensor_numels.assign(static_cast<size_t>(n), p.params / n);
      p.tensor_numels.back() += p.params % n;
    }
    return p;
  }
  if (kind == "embedding") {
    EmbeddingParams p;
    p.lookups = a.integer("tokens");
    p.vocab = a.integer("vocab");
    p.dim = a.integer("dim");
    p.backward = backward_pass(a);
    return p;
  }
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
    p.backward = backward_pass(a);
    p.layout = parse_layout(a);
    return p;
  }
  if (kind == "spmm") {
    SpmmParams p{a.integer("rows"), a.integer("cols"), a.integer("nnz"), a.integer("F")};
    p.backward = backward_pass(a);
    return p;
  }
  throw WorkloadError(
      fmt::format("--op '{}': unknown op kind '{}' (expected "
                  "gemm|conv1d|conv2d|conv3d|attention|elementwise|layernorm|rmsnorm|"
                  "batchnorm|softmax|copy|pool|maxpool|avgpool|spmm|cross_entropy|optimizer|"
                  "embedding)",
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
