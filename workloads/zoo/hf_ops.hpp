#pragma once
// transformers' modules written out as the tensor ops eager PyTorch runs for them (and an ONNX
// export shows): each op is its own kernel on a GPU, so a model's kernel count and its small
// kernels' cost follow the modelling code, not just the math. The GPU lowering keeps such
// ops' layouts: `strided` (a view of the [B, H, S, D] heads) and broadcasts take PyTorch's generic
// kernel.
#include <string>

#include "workloads/zoo/net_builder.hpp"

namespace orrery::workloads::zoo {

// NewGELUActivation (GPT-2's gelu_new): 0.5*x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3))),
// eight ops.
Seq gelu_tanh_ops(NetBuilder& b, const std::string& name, const Seq& x);

// LlamaRMSNorm: x.to(fp32); pow(2); mean(-1); + eps; rsqrt; x * r; .to(half); weight * x.
// The weight (one per column) is the norm's parameter.
Seq rmsnorm_ops(NetBuilder& b, const std::string& name, const Seq& x);

// apply_rotary_pos_emb on q or k (`x`, heads x head_dim columns, `seq` positions per sequence):
// x * cos + rotate_half(x) * sin, rotate_half = cat(-x2, x1) on the head view; cos and sin are
// [seq, head_dim] tables broadcast over the batch and heads.
Seq rotary_ops(NetBuilder& b, const std::string& name, const Seq& x, int64_t seq, int64_t head_dim);

// What transformers computes once per forward before the first layer under CUDA-graph capture,
// where it cannot take its eager shortcuts: position ids, cache positions and the attention-mask
// construction (arange, cumsum, compares, ands, index copies: `kernels` small kernels over about
// batch x seq elements each, 24 for GPT-2 and Llama, 8 for BERT in
// validation/data/model_graph_kernels_h100.csv). Written as a chain of small elementwise ops.
void preamble_ops(NetBuilder& b, const std::string& name, int kernels, int64_t numel);

// The additive causal mask each attention layer materializes under CUDA-graph capture (two
// fills and a where over batch x seq x kv_len); returns the where op.
size_t causal_mask_ops(NetBuilder& b, const std::string& name, int64_t seq, int64_t kv_len);

}  // namespace orrery::workloads::zoo
