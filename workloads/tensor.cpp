#include "workloads/tensor.hpp"

#include "common/checked_math.hpp"

namespace orrery::workloads {

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (auto d : shape) n = checked_mul(n, d, "tensor " + name);
  return n;
}

}  // namespace orrery::workloads
