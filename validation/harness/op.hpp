#pragma once
// A measurable op: built from a spec (allocates and fills its buffers), then enqueued on a
// stream as many times as the timing loop wants. Construction does all one-off work
// (algorithm selection, descriptor setup), so run() launches only the op's own kernels.
#include <cublasLt.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <memory>
#include <string>

#include "device_buffer.hpp"
#include "spec.hpp"

namespace orrery::validation {

struct Context {
  cudaStream_t stream = nullptr;
  cublasLtHandle_t lt = nullptr;
  cudnnHandle_t dnn = nullptr;
  cudaDeviceProp prop{};
  DeviceBuffer workspace;         // shared cuBLASLt / cuDNN workspace
  size_t lt_workspace_bytes = 0;  // the cap cuBLASLt heuristics are told about
};

class Op {
 public:
  virtual ~Op() = default;
  virtual void run(cudaStream_t s) = 0;
  // How it is implemented: library, algorithm, workspace (for the details file).
  virtual std::string impl() const = 0;
};

// Builds the op for a spec; throws HarnessError for an unknown or unsupported spec.
std::unique_ptr<Op> make_op(const OpSpec& spec, Context& ctx);

// Per-kind builders (one file each).
std::unique_ptr<Op> make_gemm(const OpSpec& spec, Context& ctx);
std::unique_ptr<Op> make_conv(const OpSpec& spec, Context& ctx);
std::unique_ptr<Op> make_memory_op(const OpSpec& spec, Context& ctx);

// Numerics check of one kind on small sizes against a CPU reference in double precision.
// Returns ||out - ref|| / ||ref|| for each checked case, as "label=value" lines.
struct VerifyResult {
  std::string label;
  double rel_err;
  double tolerance;
};
std::vector<VerifyResult> verify_gemm(Context& ctx);
std::vector<VerifyResult> verify_conv(Context& ctx);
std::vector<VerifyResult> verify_memory_ops(Context& ctx);

}  // namespace orrery::validation
