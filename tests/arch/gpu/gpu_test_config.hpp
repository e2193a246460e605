#pragma once
// A GPU config with round numbers for hand-derived tests: H100-like SMs and throughput, every
// calibrated efficiency 1 (except HBM 0.9), no latency, no launch cost, no tile overhead.
#include <string>

namespace orrery::test {

inline std::string gpu_test_config(const std::string& extra = "") {
  return R"(name: gpu_test
family: gpu
sm: {count: 132, register_file_kb: 256, shared_memory_kb: 228, l1_shared_kb: 256, load_port_bytes_per_clk: 64}
clock: {max_mhz: 1980, sustained_mhz: 1000}
tensor: {fp16_flops_per_clk: 4096, bf16_flops_per_clk: 4096, tf32_flops_per_clk: 2048, int8_flops_per_clk: 8192}
cuda: {fp32_flops_per_clk: 256, fp16_flops_per_clk: 512}
l2: {size_kb: 51200, bandwidth_bytes_per_clk: 1000000, clock_mhz: 1980, slices: 32}
hbm: {bandwidth_gbps: 3352, latency_ns: 0, capacity_gb: 80, channels: 32}
launch: {overhead_us: 0, graph_overhead_us: 0}
power: {idle_w: 100, tdp_w: 700, active_w: 0}
energy: {fp16_pj_per_flop: 0.6, bf16_pj_per_flop: 0.6, tf32_pj_per_flop: 1, int8_pj_per_flop: 0.3,
         cuda_fp32_pj_per_flop: 3, cuda_fp16_pj_per_flop: 2, stream_pj_per_op: 2, l2_pj_per_byte: 0,
         dram_pj_per_byte: 0}
calibration: {tensor_efficiency: 1, conv_efficiency: 1, simt_efficiency: 1, attention_efficiency: 1,
              hbm_efficiency: 0.9, tile_overhead_cycles: 0}
)" + extra;
}

}  // namespace orrery::test
