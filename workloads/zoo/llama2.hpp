#pragma once
// Llama-2-7B as transformers' LlamaForCausalLM: RMSNorm, rotary position embedding (elementwise
// on q and k), grouped-query-capable attention, SwiGLU MLP, untied LM head. phase=prefill runs
// `seq` tokens with a causal mask; phase=decode runs one token against a KV cache of `context`.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_llama2_7b(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
