#pragma once
// The tensors an op's parameters imply, before the graph names them. Placeholder projection
// names in loop nests refer to them as "input:i", "weight:i" and "output:i".
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/loop_nest.hpp"
#include "workloads/tensor.hpp"

namespace orrery::workloads {

struct OpTensors {
  std::vector<Tensor> inputs;
  std::vector<Tensor> weights;
  std::vector<Tensor> outputs;
};

inline std::string placeholder(TensorRole role, int index) {
  const char* r = role == TensorRole::input ? "input:" : role == TensorRole::weight ? "weight:" : "output:";
  return r + std::to_string(index);
}

// Shorthand for a loop-nest axis that is one dimension, or a sum of terms plus an offset.
inline AffineIndex axis(int dim) { return AffineIndex{{{dim, 1}}, 0}; }

}  // namespace orrery::workloads
