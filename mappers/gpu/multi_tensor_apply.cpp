#include "mappers/gpu/multi_tensor_apply.hpp"

#include <algorithm>
#include <array>

#include "common/error.hpp"

namespace orrery::mappers::gpu {
namespace {

constexpr int64_t kMaxCtas = 320;                                        // depth_to_max_blocks, every depth
constexpr std::array<int, 5> kMaxTensors{110, 64, 48, 36, 30};           // depth_to_max_tensors
constexpr std::array<int, 5> kMaxTensorsScalarList{96, 64, 48, 36, 30};  // depth_to_max_tensors_scalarlist

}  // namespace

int max_tensors_per_launch(int depth, bool scalar_list) {
  if (depth < 1 || depth > 5)
    throw MappingError("multi_tensor_apply: list depth must be 1..5, got " + std::to_string(depth));
  return (scalar_list ? kMaxTensorsScalarList : kMaxTensors)[static_cast<size_t>(depth - 1)];
}

std::vector<MultiTensorLaunch> multi_tensor_launches(const std::vector<int64_t>& numels, int depth,
                                                     bool scalar_list) {
  const int max_tensors = max_tensors_per_launch(depth, scalar_list);
  std::vector<MultiTensorLaunch> out;
  MultiTensorLaunch now;
  int tensors = 0;  // tensor slots used in the launch being filled
  for (const int64_t numel : numels) {
    if (numel <= 0) continue;
    ++tensors;
    const int64_t chunks = (numel + kMultiTensorChunk - 1) / kMultiTensorChunk;
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t elems = std::min(kMultiTensorChunk, numel - c * kMultiTensorChunk);
      ++now.ctas;
      now.elements += elems;
      now.largest_chunk = std::max(now.largest_chunk, elems);
      const bool tensors_full = tensors == max_tensors && c == chunks - 1;
      if (tensors_full || now.ctas == kMaxCtas) {
        out.push_back(now);
        now = MultiTensorLaunch{};
        tensors = c == chunks - 1 ? 0 : 1;  // a tensor cut here carries on in the next launch
      }
    }
  }
  if (now.ctas > 0) out.push_back(now);
  return out;
}

}  // namespace orrery::mappers::gpu
