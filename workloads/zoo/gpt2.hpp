#pragma once
// GPT-2 small as transformers' GPT2LMHeadModel: token and position embeddings, pre-norm decoder
// layers (fused c_attn projection, causal attention), final LayerNorm, LM head tied to the
// token embedding (its matmul counted, its weight not counted twice).
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_gpt2(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
