#include "arch/gpu/kernel.hpp"

namespace orrery::arch::gpu {

std::string_view to_string(Engine e) {
  switch (e) {
    case Engine::tensor_gemm: return "tensor_gemm";
    case Engine::simt_gemm: return "simt_gemm";
    case Engine::unaligned_gemm: return "unaligned_gemm";
    case Engine::implicit_gemm: return "implicit_gemm";
    case Engine::attention: return "attention";
    case Engine::stream: return "stream";
    case Engine::depthwise: return "depthwise";
  }
  return "?";
}

nlohmann::json Kernel::to_json() const {
  nlohmann::json j{{"kernel", name},
                   {"engine", std::string(to_string(engine))},
                   {"dtype", std::string(workloads::to_string(math_dtype))},
                   {"ctas", ctas},
                   {"ctas_per_sm", ctas_per_sm}};
  if (max_resident_ctas > 0) j["max_resident_ctas"] = max_resident_ctas;
  if (setup_s > 0) j["setup_us"] = setup_s * 1e6;
  if (tile_m > 0) {
    j["tile"] = {{"m", tile_m}, {"n", tile_n}, {"k", tile_k}};
    j["stages"] = stages;
    j["split_k"] = split_k;
    j["k_iters"] = k_iters;
    j["swapped"] = swapped;
  }
  j["flops_per_cta"] = flops_per_cta;
  if (sfu_ops_per_cta > 0) j["sfu_ops_per_cta"] = sfu_ops_per_cta;
  j["dram_read_bytes"] = dram_read_bytes;
  j["dram_write_bytes"] = dram_write_bytes;
  j["l2_bytes"] = l2_bytes;
  if (sm_bytes > 0) j["sm_bytes"] = sm_bytes;
  if (serial_loads) j["serial_loads"] = true;
  if (dependent_accesses > 0) j["dependent_accesses"] = dependent_accesses;
  if (chain_carries_traffic) j["chain_carries_traffic"] = true;
  if (lane_ops_per_cta > 0) j["lane_ops_per_cta"] = lane_ops_per_cta;
  return j;
}

}  // namespace orrery::arch::gpu
