#pragma once
// Return-code checks for the CUDA runtime, cuBLASLt and cuDNN. Every failure throws
// HarnessError with the call, file and line; main() catches it per op, reports the op on
// stderr and skips it (no row is ever written for a failed op).
#include <cublasLt.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <stdexcept>
#include <string>

namespace orrery::validation {

struct HarnessError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string& what, const char* file, int line) {
  throw HarnessError(what + " at " + file + ":" + std::to_string(line));
}

inline void check_cuda(cudaError_t e, const char* call, const char* file, int line) {
  if (e != cudaSuccess) fail(std::string(call) + ": " + cudaGetErrorString(e), file, line);
}
inline void check_cublas(cublasStatus_t s, const char* call, const char* file, int line) {
  if (s != CUBLAS_STATUS_SUCCESS)
    fail(std::string(call) + ": cublas status " + std::to_string(static_cast<int>(s)), file, line);
}
inline void check_cudnn(cudnnStatus_t s, const char* call, const char* file, int line) {
  if (s != CUDNN_STATUS_SUCCESS) fail(std::string(call) + ": " + cudnnGetErrorString(s), file, line);
}

}  // namespace orrery::validation

#define CUDA_CHECK(x) ::orrery::validation::check_cuda((x), #x, __FILE__, __LINE__)
#define CUBLAS_CHECK(x) ::orrery::validation::check_cublas((x), #x, __FILE__, __LINE__)
#define CUDNN_CHECK(x) ::orrery::validation::check_cudnn((x), #x, __FILE__, __LINE__)
// After every kernel launch of our own: launch errors and (in debug) execution errors.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())
