#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/dtype.hpp"

namespace orrery::workloads {

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  DType dtype = DType::fp16;

  int64_t numel() const;  // throws WorkloadError on overflow
  int64_t bytes() const { return storage_bytes(numel(), dtype); }
};

}  // namespace orrery::workloads
