#pragma once
// `--mapper search` on a graph: every op lowered (lowering.hpp), each distinct problem searched
// once (a shape cache that lives in this call: ResNet-50's repeated bottlenecks search once),
// under the constraints of --constraints, else of the config, else of the architecture's own
// constraint nodes. Per distinct shape the budget is 200,000 candidates, or --search-time split
// evenly over the distinct shapes.
#include <vector>

#include "mappers/loopnest/registry.hpp"

namespace orrery::mappers::loopnest {

inline constexpr int64_t kCandidatesPerShape = 200'000;

std::vector<LoopNestLayerMapping> map_search(const workloads::Graph& graph, const MapContext& ctx);

}  // namespace orrery::mappers::loopnest
