#include "workloads/zoo/registry.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace orrery::workloads::zoo {

const std::vector<ModelEntry>& models() {
  static const std::vector<ModelEntry> kModels{};
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
