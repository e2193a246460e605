#pragma once
// BERT-base encoder as transformers' BertModel: word, position and token-type embeddings with
// LayerNorm, post-norm encoder layers (separate query/key/value projections), optional pooler.
#include "workloads/zoo/registry.hpp"

namespace orrery::workloads::zoo {

Graph build_bert_base(SpecArgs& args, const BuildContext& ctx);

}  // namespace orrery::workloads::zoo
