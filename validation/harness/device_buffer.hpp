#pragma once
// Owning device allocation (cudaMalloc, never managed memory) and the element types the
// harness measures.
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "check.hpp"

namespace orrery::validation {

enum class ElemType { fp16, bf16, fp32 };

inline size_t elem_bytes(ElemType t) { return t == ElemType::fp32 ? 4 : 2; }

// Storage element type of a spec dtype: tf32 stores fp32.
inline ElemType parse_elem_type(const std::string& dtype) {
  if (dtype == "fp16") return ElemType::fp16;
  if (dtype == "bf16") return ElemType::bf16;
  if (dtype == "fp32" || dtype == "tf32") return ElemType::fp32;
  throw HarnessError("unsupported dtype '" + dtype + "' (expected fp16, bf16, tf32 or fp32)");
}

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes) : bytes_(bytes) {
    if (bytes_ > 0) CUDA_CHECK(cudaMalloc(&ptr_, bytes_));
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept
      : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      if (ptr_) cudaFree(ptr_);
      ptr_ = std::exchange(o.ptr_, nullptr);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* get() const { return ptr_; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }
  size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace orrery::validation
