#pragma once
// NetBuilder: appends PyTorch-style layers to a Graph while tracking activation shapes, so the
// zoo builders read like the reference model definitions. Layer names are the module paths of
// the reference implementation (e.g. "layer1.0.conv1") for per-layer comparison.
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/graph.hpp"
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

inline constexpr size_t kGraphInput = static_cast<size_t>(-1);

// A feature map N x C x (D x) H x W produced by op `op` (kGraphInput: the model's input).
struct Fmap {
  size_t op = kGraphInput;
  int64_t c = 0;
  Dims3 size{1, 1, 1};  // {D, H, W}; D = 1 for 2-D maps
  int rank = 2;
  int64_t pixels() const { return size[0] * size[1] * size[2]; }
};

// A token matrix: `rows` (batch x sequence) rows of `cols` features produced by op `op`.
struct Seq {
  size_t op = kGraphInput;
  int64_t rows = 0, cols = 0;
};

class NetBuilder {
 public:
  NetBuilder(std::string graph_name, const BuildContext& ctx);

  int64_t batch() const { return ctx_.batch; }
  DType dtype() const { return ctx_.dtype; }
  bool eager() const { return ctx_.eager; }
  bool training() const { return ctx_.training; }

  Fmap image(int64_t c, int64_t h, int64_t w) const { return Fmap{kGraphInput, c, {1, h, w}, 2}; }
  Fmap clip(int64_t c, int64_t d, int64_t h, int64_t w) const { return Fmap{kGraphInput, c, {d, h, w}, 3}; }
  Seq tokens(int64_t rows, int64_t cols) const { return Seq{kGraphInput, rows, cols}; }

  // 2-D conv with a square kernel and symmetric padding.
  Fmap conv(const std::string& name, const Fmap& x, int64_t c_out, int64_t k, int64_t stride, int64_t pad,
            int64_t groups = 1, bool bias = false);
  // Any conv: `p` gives kernel/stride/pads/groups/bias/c_out; n, c_in, in and rank come from x.
  Fmap conv(const std::string& name, const Fmap& x, ConvParams p);
  Fmap batchnorm(const std::string& name, const Fmap& x);
  Fmap groupnorm(const std::string& name, const Fmap& x, int64_t groups);
  Fmap act(const std::string& name, const std::string& fn, const Fmap& x);
  // An in-place activation module (torchvision's ReLU6(inplace=True), SiLU(inplace=True)). In
  // training, where the activation's derivative needs its input, autograd clones that input
  // first (VariableType saves original_self.clone()): a device-to-device copy of x that only the
  // backward reads (Memcpy DtoD once per such activation in training_h100_kernels.csv: 35 in
  // MobileNetV2's forward, 49 in EfficientNet-B0's).
  Fmap act_inplace(const std::string& name, const std::string& fn, const Fmap& x);
  Fmap add(const std::string& name, const Fmap& a, const Fmap& b);
  // x * gate, gate broadcast over the spatial dims (squeeze-excitation) or same-shaped.
  Fmap mul(const std::string& name, const Fmap& x, const Fmap& gate);
  Fmap pool(const std::string& name, PoolParams::Mode mode, const Fmap& x, Dims3 kernel, Dims3 stride,
            Dims3 pad, bool ceil_mode = false);
  Fmap maxpool(const std::string& name, const Fmap& x, int64_t k, int64_t stride, int64_t pad);
  Fmap global_avgpool(const std::string& name, const Fmap& x);  // adaptive average pool to 1
  Fmap upsample_nearest(const std::string& name, const Fmap& x, int64_t factor);
  Fmap concat(const std::string& name, const Fmap& a, const Fmap& b);  // along channels

  // N x C x spatial -> (N*spatial) x C (a permute, or a view when spatial is 1).
  Seq to_tokens(const std::string& name, const Fmap& x);
  Fmap to_fmap(const std::string& name, const Seq& x, const Fmap& like);
  Seq flatten(const std::string& name, const Fmap& x);  // N x (C*spatial), a view

  Seq linear(const std::string& name, const Seq& x, int64_t out, bool bias = true);
  // x @ B where B is an activation [k, out] shared by all rows (a tied LM head).
  Seq matmul_shared(const std::string& name, const Seq& x, size_t b_op, int64_t out);
  Seq layernorm(const std::string& name, const Seq& x);
  Seq rmsnorm(const std::string& name, const Seq& x);
  Seq act(const std::string& name, const std::string& fn, const Seq& x);
  Seq add(const std::string& name, const Seq& a, const Seq& b);
  Seq mul(const std::string& name, const Seq& a, const Seq& b);
  Seq swiglu(const std::string& name, const Seq& gate, const Seq& up);
  Seq embedding(const std::string& name, int64_t lookups, int64_t vocab, int64_t dim);
  Seq concat_rows(const std::string& name, const Seq& a, const Seq& b);
  Seq select_rows(const std::string& name, const Seq& x, int64_t rows);  // e.g. the [CLS] tokens
  // nn.Dropout: a kernel drawing a mask in training (x itself, no op, at inference or p = 0).
  Seq dropout(const std::string& name, const Seq& x);
  // Fused scaled-dot-product attention of `batch` sequences; q rows = batch*q_len.
  Seq attention(const std::string& name, const Seq& q, const Seq& k, const Seq& v, int64_t heads,
                int64_t kv_heads, int64_t q_len, int64_t kv_len, bool causal, bool padding_mask = false);

  // Any op, with producers (kGraphInput entries are the model's inputs and make no edge).
  size_t append(std::string name, OpParams params, const std::vector<size_t>& producers);
  // The same op computed in `dtype` rather than the model's (e.g. an FP32 upcast inside a norm).
  size_t append(std::string name, OpParams params, const std::vector<size_t>& producers, DType dtype);

  // Renames input `i` of op `op` (e.g. a KV cache or a tied weight read as an activation).
  void rename_input(size_t op, size_t i, std::string name) {
    graph_.mutable_ops().at(op).inputs.at(i).name = std::move(name);
  }

  Graph finish() { return std::move(graph_); }

 private:
  Graph graph_;
  BuildContext ctx_;
};

}  // namespace orrery::workloads::zoo
