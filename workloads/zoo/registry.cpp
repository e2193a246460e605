#include "workloads/zoo/registry.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "workloads/zoo/bert.hpp"
#include "workloads/zoo/efficientnet_b0.hpp"
#include "workloads/zoo/gcn.hpp"
#include "workloads/zoo/gpt2.hpp"
#include "workloads/zoo/llama2.hpp"
#include "workloads/zoo/mobilenet_v2.hpp"
#include "workloads/zoo/r3d_18.hpp"
#include "workloads/zoo/resnet.hpp"
#include "workloads/zoo/unet.hpp"
#include "workloads/zoo/vae.hpp"
#include "workloads/zoo/vgg.hpp"
#include "workloads/zoo/vit_b_16.hpp"

namespace orrery::workloads::zoo {

const std::vector<ModelEntry>& models() {
  // One line per model: name, doc, options (name, default, doc), builder.
  static const std::vector<ModelEntry> kModels{
      {"resnet18",
       "torchvision resnet18 (11.69 M params, 1.81 G MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}},
       build_resnet18},
      {"resnet50",
       "torchvision resnet50 v1.5 (25.56 M params, 4.09 G MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}},
       build_resnet50},
      {"vgg16",
       "torchvision vgg16 (138.36 M params, 15.47 G MACs at 224)",
       {{"res", "224", "input height/width (final map a multiple of 7)"},
        {"classes", "1000", "classifier outputs"}},
       build_vgg16},
      {"mobilenet_v2",
       "torchvision mobilenet_v2 (3.50 M params, 300.8 M MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}},
       build_mobilenet_v2},
      {"efficientnet_b0",
       "torchvision efficientnet_b0 (5.29 M params, 385.8 M MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}},
       build_efficientnet_b0},
      {"r3d_18",
       "torchvision video r3d_18 on a 3x16x112x112 clip (33.37 M params, 40.70 G MACs)",
       {{"frames", "16", "clip length"},
        {"res", "112", "frame height/width"},
        {"classes", "400", "classifier outputs"}},
       build_r3d_18},
      {"vit_b_16",
       "torchvision vit_b_16 (86.57 M params, 17.56 G MACs incl. QK^T and AV; fused attention op)",
       {{"res", "224", "input height/width (multiple of 16)"},
        {"layers", "12", "encoder layers"},
        {"classes", "1000", "classifier outputs"}},
       build_vit_b_16},
      {"bert_base",
       "transformers BertModel, BERT-base (109.48 M params with pooler, 11.17 G MACs at seq 128)",
       {{"seq", "128", "tokens per sequence (<= 512)"},
        {"layers", "12", "encoder layers"},
        {"d_model", "768", "hidden size"},
        {"heads", "12", "attention heads"},
        {"ffn", "3072", "intermediate size"},
        {"vocab", "30522", "vocabulary size"},
        {"head", "pooler",
         "pooler|mlm|none (mlm: BertForMaskedLM's head, decoder tied to the word embeddings)"},
        {"pooler", "1", "include the pooler (0|1; default 1 with head=pooler)"}},
       build_bert_base},
      {"gpt2",
       "transformers GPT-2 small with tied LM head (124.44 M params, 16.11 G MACs at seq 128)",
       {{"seq", "128", "tokens per sequence (<= positions)"},
        {"positions", "1024", "position-table size n_positions (2048 for GPT-3-shaped models)"},
        {"layers", "12", "decoder layers"},
        {"d_model", "768", "hidden size (FFN 4x)"},
        {"heads", "12", "attention heads"},
        {"vocab", "50257", "vocabulary size (Megatron-LM pads GPT's to 51200)"},
        {"lm_head", "1", "include the tied LM head matmul (0|1)"}},
       build_gpt2},
      {"llama2_7b",
       "transformers LlamaForCausalLM, Llama-2-7B (6.74 G params, 850.0 G MACs prefill 128)",
       {{"layers", "32", "decoder layers"},
        {"d_model", "4096", "hidden size"},
        {"heads", "32", "attention heads"},
        {"kv_heads", "32", "key/value heads (default: = heads; fewer: grouped-query)"},
        {"ffn", "11008", "MLP intermediate size"},
        {"vocab", "32000", "vocabulary size"},
        {"seq", "128", "prefill tokens per sequence (1 for decode)"},
        {"phase", "prefill", "prefill|decode"},
        {"context", "128", "decode: tokens already in the KV cache"}},
       build_llama2_7b},
      {"gcn",
       "graph convolutional network (PyG GCNConv: GEMM transform + spmm aggregation), Cora by default",
       {{"dataset", "cora",
         "cora|ogbn-arxiv: the sizes below (ogbn-arxiv: 169343 nodes, 1166243 edges, "
         "128 features, 40 classes, 3 layers of 256)"},
        {"nodes", "2708", "graph nodes"},
        {"edges", "10556", "directed edges (self loops added)"},
        {"features", "1433", "input features per node"},
        {"hidden", "16", "hidden features"},
        {"classes", "7", "output classes"},
        {"layers", "2", "GCN layers"}},
       build_gcn},
      {"vae",
       "Stable Diffusion VAE, diffusers AutoencoderKL (83.65 M params, 1.82 T MACs at 512)",
       {{"res", "512", "image height/width (latent res/8)"}, {"part", "both", "encoder|decoder|both"}},
       build_vae},
      {"unet",
       "Stable Diffusion 1.5 U-Net step, diffusers UNet2DConditionModel (859.52 M params, 401.6 G MACs)",
       {{"res", "64", "latent height/width"},
        {"context", "77", "text tokens (768-wide) for cross-attention"}},
       build_unet},
  };
  return kModels;
}

Graph build_model(const std::string& spec, const BuildContext& ctx) {
  SpecArgs args(spec, "--model");
  for (const auto& m : models()) {
    if (m.name != args.head()) continue;
    Graph g = m.build(args, ctx);
    args.finish();
    return g;
  }
  std::string names;
  for (const auto& m : models()) names += (names.empty() ? "" : "|") + m.name;
  throw WorkloadError(
      fmt::format("--model '{}': unknown model '{}' (expected one of {})", spec, args.head(), names));
}

}  // namespace orrery::workloads::zoo
