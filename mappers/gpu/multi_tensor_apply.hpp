#pragma once
// PyTorch's multi_tensor_apply (aten/src/ATen/native/cuda/MultiTensorApply.cuh), which every
// _foreach_* op and every fused optimizer runs on: the tensors of a list are cut into chunks of
// 65,536 elements, one CTA of 512 threads per chunk, and packed into launches that hold at most
// 320 CTAs and a number of tensors set by the list depth (the metadata must fit the 4 KB kernel
// argument: 110, 64, 48, 36, 30 tensors for depth 1..5; 96 for a depth-1 list with a scalar per
// tensor). A launch ends when its CTAs are full, or when its tensor slots are full at the end of
// a tensor; a tensor cut by a full launch continues in the next one.
#include <cstdint>
#include <vector>

namespace orrery::mappers::gpu {

struct MultiTensorLaunch {
  int64_t ctas = 0;           // chunks in the launch
  int64_t elements = 0;       // elements they cover
  int64_t largest_chunk = 0;  // elements of its largest chunk (its CTAs' longest loop)
};

inline constexpr int64_t kMultiTensorChunk = 65536;
inline constexpr int64_t kMultiTensorBlockThreads = 512;
inline constexpr int64_t kMultiTensorIlp =
    4;  // elements per thread per loop iteration (16-byte fp32 vectors)

// Most tensors one launch holds for a list depth (1..5), with or without a scalar per tensor.
int max_tensors_per_launch(int depth, bool scalar_list);

// The launches for tensors of these element counts (zero-sized tensors are skipped, as PyTorch does).
std::vector<MultiTensorLaunch> multi_tensor_launches(const std::vector<int64_t>& numels, int depth,
                                                     bool scalar_list);

}  // namespace orrery::mappers::gpu
