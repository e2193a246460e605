#include "workloads/zoo/registry.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "workloads/zoo/efficientnet_b0.hpp"
#include "workloads/zoo/mobilenet_v2.hpp"
#include "workloads/zoo/r3d_18.hpp"
#include "workloads/zoo/resnet.hpp"
#include "workloads/zoo/vgg.hpp"
#include "workloads/zoo/vit_b_16.hpp"

namespace orrery::workloads::zoo {

const std::vector<ModelEntry>& models() {
  // One line per model: name, doc, options (name, default, doc), builder.
  static const std::vector<ModelEntry> kModels{
      {"resnet18", "torchvision resnet18 (11.69 M params, 1.81 G MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}}, build_resnet18},
      {"resnet50", "torchvision resnet50 v1.5 (25.56 M params, 4.09 G MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}}, build_resnet50},
      {"vgg16", "torchvision vgg16 (138.36 M params, 15.47 G MACs at 224)",
       {{"res", "224", "input height/width (final map a multiple of 7)"}, {"classes", "1000", "classifier outputs"}},
       build_vgg16},
      {"mobilenet_v2", "torchvision mobilenet_v2 (3.50 M params, 300.8 M MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}}, build_mobilenet_v2},
      {"efficientnet_b0", "torchvision efficientnet_b0 (5.29 M params, ~0.39 G MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}}, build_efficientnet_b0},
      {"r3d_18", "torchvision video r3d_18 on a 3x16x112x112 clip (33.37 M params)",
       {{"frames", "16", "clip length"}, {"res", "112", "frame height/width"}, {"classes", "400", "classifier outputs"}},
       build_r3d_18},
      {"vit_b_16", "torchvision vit_b_16 (86.57 M params; attention as a fused op, QK^T and AV counted)",
       {{"res", "224", "input height/width (multiple of 16)"}, {"layers", "12", "encoder layers"},
        {"classes", "1000", "classifier outputs"}}, build_vit_b_16},
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
  throw WorkloadError(fmt::format("--model '{}': unknown model '{}' (expected one of {})", spec, args.head(), names));
}

}  // namespace orrery::workloads::zoo
