#pragma once
// The GPU mapping of one op: the kernels the library would launch for it, in order.
// An op fused into its producer (a conv's BN/activation) launches none.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/gpu/kernel.hpp"

namespace orrery::mappers::gpu {

// Whose kernels an op becomes. `library`: the libraries called directly, as the measurement
// harness does (cuBLASLt, cuDNN, orrery's own vectorized memory-bound kernels). `pytorch`: what
// PyTorch eager (or a CUDA graph of it) launches: the same cuBLAS/cuDNN calls, but ATen's own
// kernels for batch norm, pooling, layer norm and conv bias, and a memset node before cuDNN's
// fused attention.
enum class Runtime { library, pytorch };

struct GpuMapping {
  std::vector<arch::gpu::Kernel> kernels;
  std::string fused_into;  // name of the op whose kernel absorbs this one; empty if none
  std::string note;        // why this implementation (e.g. "depthwise: memory-bound direct kernel")

  nlohmann::json to_json() const {
    nlohmann::json j{{"kernels", nlohmann::json::array()}};
    for (const auto& k : kernels) j["kernels"].push_back(k.to_json());
    if (!fused_into.empty()) j["fused_into"] = fused_into;
    if (!note.empty()) j["note"] = note;
    return j;
  }

  static GpuMapping from_json(const nlohmann::json& j) {
    GpuMapping m;
    for (const auto& k : j.at("kernels")) m.kernels.push_back(arch::gpu::Kernel::from_json(k));
    m.fused_into = j.value("fused_into", std::string());
    m.note = j.value("note", std::string());
    return m;
  }
};

}  // namespace orrery::mappers::gpu
