#include "workloads/zoo/registry.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "workloads/zoo/resnet.hpp"

namespace orrery::workloads::zoo {

const std::vector<ModelEntry>& models() {
  // One line per model: name, doc, options (name, default, doc), builder.
  static const std::vector<ModelEntry> kModels{
      {"resnet18", "torchvision resnet18 (11.69 M params, 1.81 G MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}}, build_resnet18},
      {"resnet50", "torchvision resnet50 v1.5 (25.56 M params, 4.09 G MACs at 224)",
       {{"res", "224", "input height/width"}, {"classes", "1000", "classifier outputs"}}, build_resnet50},
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
