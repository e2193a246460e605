#pragma once
// An op as a perfect loop nest: named dimensions with bounds, and each tensor as an affine
// projection of those dimensions. This is what mappers tile.
#include <cstdint>
#include <string>
#include <vector>

namespace orrery::workloads {

struct LoopDim {
  std::string name;  // "m", "n", "k", "oy", "r", ...
  int64_t bound = 1;
};

struct AffineTerm {
  int dim = 0;  // index into LoopNest::dims
  int64_t coeff = 1;
};

// One tensor axis index = sum(coeff * dim) + offset (offset carries padding, e.g. -pad).
struct AffineIndex {
  std::vector<AffineTerm> terms;
  int64_t offset = 0;
};

enum class TensorRole { input, weight, output };

struct TensorProjection {
  std::string tensor;  // the Op tensor's name
  TensorRole role = TensorRole::input;
  std::vector<AffineIndex> axes;
};

struct LoopNest {
  std::vector<LoopDim> dims;
  std::vector<TensorProjection> tensors;

  int64_t iterations() const;               // product of bounds
  int find(const std::string& name) const;  // index of a dim, -1 if absent
};

}  // namespace orrery::workloads
