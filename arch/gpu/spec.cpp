#include "arch/gpu/spec.hpp"

#include <fmt/format.h>

#include "arch/interconnect/spec.hpp"
#include "common/error.hpp"

namespace orrery::arch::gpu {

using config::KeyType;
using config::Value;
using workloads::DType;

std::shared_ptr<const config::Schema> make_schema() {
  auto s = std::make_shared<config::Schema>("gpu");
  s->add_integer("sm.count", "SMs", "streaming multiprocessors", std::nullopt, 1, 4096);
  s->add_integer("sm.register_file_kb", "KiB", "register file per SM", std::nullopt, 1, 1 << 20);
  s->add_integer("sm.shared_memory_kb", "KiB", "shared memory per SM usable by resident CTAs", std::nullopt,
                 1, 1 << 20);
  s->add_integer("sm.l1_shared_kb", "KiB", "combined L1 data cache + shared memory per SM", std::nullopt, 1,
                 1 << 20);
  s->add_real("sm.shared_bandwidth_bytes_per_clk", "B/clk", "shared-memory bandwidth per SM", 128.0, 1, 1e6);
  s->add_real(
      "sm.load_port_bytes_per_clk", "B/clk",
      "bytes one SM's load path takes from the L2 per SM clock (a wave on few SMs cannot draw the whole "
      "L2 bandwidth); H100: half the shared-memory width, read off the few-CTA calibration rows",
      std::nullopt, 1, 1e6);
  s->add_real("sm.sfu_ops_per_clk", "op/clk/SM", "special-function unit throughput (exp, rsqrt)", 16.0, 1,
              1e6);
  s->add_integer("sm.compute_capability", "",
                 "CUDA compute capability x 10 (H100/H200: 90, A100: 80): which "
                 "kernels the libraries may pick (wgmma needs 90)",
                 90, 50, 200);
  s->add_integer("sm.max_ctas", "CTAs", "resident thread blocks per SM", 32, 1, 1024);
  s->add_integer("sm.max_threads", "threads", "resident threads per SM", 2048, 32, 1 << 16);
  s->add_integer(
      "sm.cluster4_ctas", "CTAs",
      "CTAs that 4-CTA thread-block clusters can place at once (a cluster stays inside one GPC, so "
      "GPCs whose SM count is not a multiple of 4 leave SMs over): the persistent grid of cuDNN's sm90 "
      "implicit-GEMM kernels; 0 = sm.count (no clusters)",
      0, 0, 1 << 20);
  s->add_real("clock.max_mhz", "MHz", "maximum (boost) SM clock; short kernels run here", std::nullopt, 1,
              1e5);
  s->add_real("clock.sustained_mhz", "MHz",
              "lowest SM clock the power limiter drops to under sustained tensor-core load", std::nullopt, 1,
              1e5);
  s->add_real("tensor.fp16_flops_per_clk", "FLOP/clk/SM", "dense tensor-core FP16 (fp32 accumulate)",
              std::nullopt, 0, 1e7);
  s->add_real("tensor.bf16_flops_per_clk", "FLOP/clk/SM", "dense tensor-core BF16", std::nullopt, 0, 1e7);
  s->add_real("tensor.tf32_flops_per_clk", "FLOP/clk/SM", "dense tensor-core TF32", std::nullopt, 0, 1e7);
  s->add_real("tensor.fp8_flops_per_clk", "FLOP/clk/SM", "dense tensor-core FP8 (0: none)", 0.0, 0, 1e7);
  s->add_real("tensor.int8_flops_per_clk", "OP/clk/SM", "dense tensor-core INT8", std::nullopt, 0, 1e7);
  s->add_real("cuda.fp32_flops_per_clk", "FLOP/clk/SM", "CUDA-core FP32 (FMA = 2)", std::nullopt, 1, 1e7);
  s->add_real("cuda.fp16_flops_per_clk", "FLOP/clk/SM", "CUDA-core packed FP16", std::nullopt, 1, 1e7);
  s->add_real("cuda.fp64_flops_per_clk", "FLOP/clk/SM",
              "CUDA-core FP64 (FMA = 2; 0: not given, FP64 work timed at the FP32 rate)", 0.0, 0, 1e7);
  s->add_integer("l2.size_kb", "KiB", "L2 cache, all partitions", std::nullopt, 1, 1LL << 30);
  s->add_real("l2.bandwidth_bytes_per_clk", "B/clk", "L2 read bandwidth, whole chip, per L2 clock",
              std::nullopt, 1, 1e7);
  s->add_real(
      "l2.clock_mhz", "MHz",
      "clock of the L2/crossbar domain: L2 bandwidth = bandwidth_bytes_per_clk x this clock, whatever the SM "
      "clock (the power limiter slows the SMs, not the L2)",
      std::nullopt, 100, 1e4);
  s->add_integer("l2.slices", "queues",
                 "L2 slices the cycle model queues requests on (equal shares of the L2 bandwidth)",
                 std::nullopt, 1, 4096);
  s->add_integer("hbm.channels", "queues",
                 "DRAM (pseudo-)channels the cycle model queues misses on (equal shares of the bandwidth)",
                 std::nullopt, 1, 4096);
  s->add_real("hbm.bandwidth_gbps", "GB/s", "peak DRAM bandwidth (1 GB = 1e9 B)", std::nullopt, 1, 1e6);
  s->add_real("hbm.latency_ns", "ns", "DRAM load latency seen by an SM (L2 miss)", std::nullopt, 0, 1e5);
  s->add_real("hbm.capacity_gb", "GB", "DRAM capacity (1 GB = 1e9 B)", std::nullopt, 0.001, 1e6);
  s->add_real("launch.overhead_us", "us",
              "fixed cost of one kernel timed alone with CUDA events (launch, first wave start, drain)",
              std::nullopt, 0, 1e4);
  s->add_real("launch.graph_overhead_us", "us", "fixed cost per kernel inside a CUDA graph (no CPU gaps)",
              std::nullopt, 0, 1e4);
  s->add_real("launch.stream_extra_us", "us",
              "extra cost per kernel after the first of an op timed alone on a stream (eager: the next "
              "kernel waits longer behind its predecessor than inside a CUDA graph)",
              0.0, 0, 1e4);
  s->add_real(
      "launch.memset_node_us", "us",
      "extra cost of a cudaMemset node in a CUDA graph beyond a kernel's (the dependent nodes wait longer)",
      0.0, 0, 1e4);
  s->add_real("power.limiter_window_ms", "ms",
              "a run longer than this settles at the power-capped clock; shorter ones (one kernel or one "
              "forward timed alone) run at the max clock",
              500.0, 0, 1e7);
  s->add_real("power.idle_w", "W", "board power with nothing running", std::nullopt, 0, 1e5);
  s->add_real("power.tdp_w", "W", "board power limit; above it the SM clock throttles", std::nullopt, 1, 1e5);
  s->add_real(
      "power.active_w", "W",
      "extra power while a kernel runs, whatever the SMs do (clocks, crossbar, L2 and memory controllers "
      "awake), beyond per-operation energy",
      0.0, 0, 1e5);
  s->add_real("power.sm_memory_bound_share", "",
              "share of power.sm_active_w that the SMs of a memory-bound kernel (streaming, depthwise) draw: "
              "their warps mostly wait on loads, their math pipes idle",
              1.0, 0.0, 1.0);
  s->add_real(
      "power.voltage_at_sustained", "ratio",
      "SM supply voltage at clock.sustained_mhz over the voltage at clock.max_mhz (linear in the clock in "
      "between): the SMs' dynamic energy per operation scales with its square, so a capped clock saves "
      "power even where it costs no time (1: no voltage scaling)",
      1.0, 0.3, 1.0);
  s->add_real(
      "power.sm_active_w", "W",
      "extra power of the SMs themselves while every SM holds a CTA (in proportion to the SMs that do: a "
      "16-CTA kernel draws 16/132 of it on an H100), beyond per-operation energy",
      0.0, 0, 1e5);
  s->add_real("energy.fp16_pj_per_flop", "pJ/FLOP", "tensor-core FP16 energy per FLOP at the max clock",
              std::nullopt, 0, 1e4);
  s->add_real("energy.bf16_pj_per_flop", "pJ/FLOP", "tensor-core BF16", std::nullopt, 0, 1e4);
  s->add_real("energy.tf32_pj_per_flop", "pJ/FLOP", "tensor-core TF32", std::nullopt, 0, 1e4);
  s->add_real("energy.fp8_pj_per_flop", "pJ/FLOP", "tensor-core FP8", 0.0, 0, 1e4);
  s->add_real("energy.int8_pj_per_flop", "pJ/OP", "tensor-core INT8", std::nullopt, 0, 1e4);
  s->add_real("energy.cuda_fp32_pj_per_flop", "pJ/FLOP", "CUDA-core FP32 (incl. register file)", std::nullopt,
              0, 1e4);
  s->add_real("energy.cuda_fp16_pj_per_flop", "pJ/FLOP", "CUDA-core FP16", std::nullopt, 0, 1e4);
  s->add_real(
      "energy.stream_pj_per_op", "pJ/op",
      "memory-bound kernels: energy per vector op of the op model (the loads, conversions, shuffles and "
      "exp instructions each modelled op costs on the CUDA cores)",
      std::nullopt, 0, 1e4);
  s->add_real("energy.mma_sync_factor", "",
              "energy per FLOP of mma.sync kernels (operands staged through registers: FlashAttention-2, "
              "CUTLASS 2.x) over the tensor-core figure above",
              1.0, 0.1, 20);
  s->add_real("energy.l2_pj_per_byte", "pJ/B", "L2 <-> SM transfer energy per byte", std::nullopt, 0, 1e5);
  s->add_real("energy.dram_pj_per_byte", "pJ/B", "HBM read or write energy per byte (device + PHY)",
              std::nullopt, 0, 1e5);
  s->add({.path = "lowering.fuse_epilogues",
          .type = KeyType::boolean,
          .doc = "whole graphs: fold batch norm and one-input activations into the producing conv/gemm "
                 "(cuDNN/TensorRT-style); false: one kernel per op, as PyTorch eager launches them",
          .default_value = Value{false}});
  add_software_keys(*s);
  const GpuCalibration d;
  s->add_real("calibration.tensor_efficiency", "",
              "fitted: fraction of peak MMA rate a library GEMM main loop sustains", d.tensor_efficiency,
              0.05, 1);
  s->add_real("calibration.conv_efficiency", "", "fitted: same for cuDNN implicit-GEMM convolution kernels",
              d.conv_efficiency, 0.05, 1);
  s->add_real(
      "calibration.tensor_clock_efficiency", "",
      "fraction of a lowered clock's MMA peak that tensor-core kernels reach when power-capped: their rate "
      "is the lesser of their max-clock throughput (the engine efficiencies) and this fraction of the capped "
      "clock's peak (0: the engine efficiency at every clock)",
      d.tensor_clock_efficiency, 0, 1);
  s->add_real("calibration.simt_efficiency", "", "fitted: same for CUDA-core (SIMT) GEMMs", d.simt_efficiency,
              0.05, 1);
  s->add_real("calibration.attention_efficiency", "", "fitted: same for the fused flash-attention kernel",
              d.attention_efficiency, 0.05, 1);
  s->add_real("calibration.attention_wgmma_efficiency", "",
              "fitted: same for Hopper-native fused attention (cuDNN's sm90 SDPA kernels: wgmma from shared "
              "memory, the softmax's exp and FP32 work charged beside it)",
              d.attention_wgmma_efficiency, 0.05, 1);
  s->add_real("calibration.attention_backward_efficiency", "",
              "fitted: the fused attention backward loop's MMA rate over its forward's (cuDNN's bprop: five "
              "MMAs chained through each score tile)",
              d.attention_backward_efficiency, 0.05, 1);
  s->add_real("calibration.hbm_efficiency", "",
              "fitted: achievable fraction of peak HBM bandwidth when streaming", d.hbm_efficiency, 0.05, 1);
  s->add_real("calibration.hbm_low_mlp_efficiency", "",
              "fitted: achievable fraction of peak HBM bandwidth for kernels whose threads keep one or two "
              "loads in flight (per-element load -> store loops, row kernels)",
              d.hbm_low_mlp_efficiency, 0.05, 1);
  s->add_real("calibration.unaligned_efficiency", "",
              "fitted: fraction of peak MMA rate of GEMMs whose rows are not 16-byte aligned (mma.sync, "
              "scalar loads)",
              d.unaligned_efficiency, 0.005, 1);
  s->add_real("calibration.l2_resident_fraction", "",
              "fitted: fraction of L2 a kernel's working set can occupy", d.l2_resident_fraction, 0.05, 1);
  s->add_real(
      "calibration.l2_dirty_fraction", "",
      "fitted: fraction of L2 that holds a kernel's last writes, dirty, when it ends (written back later, "
      "in proportion to the written share of its footprint); earlier writes reach DRAM while it runs",
      d.l2_dirty_fraction, 0.0, 1);
  s->add_real(
      "calibration.l2_loop_fraction", "",
      "fitted: fraction of L2 that a kernel run back to back (a loop, a CUDA graph of copies) keeps resident "
      "from one copy to the next: a footprint (inputs + outputs) within it is served from the L2, a larger "
      "one streams from DRAM",
      d.l2_loop_fraction, 0.0, 1);
  s->add_real("calibration.tile_overhead_cycles", "cycles",
              "fitted: per CTA tile prologue/epilogue (pipeline fill, accumulator store)",
              d.tile_overhead_cycles, 0, 1e6);
  s->add_real(
      "calibration.dependent_access_ns", "ns",
      "fitted: one step of a latency-bound loop (a global load whose value is used before the next load "
      "issues: PyTorch's pooling, batch-norm and reduction loops, cuDNN's gather-without-shared-memory "
      "convs)",
      d.dependent_access_s * 1e9, 1, 1e5);
  s->add_real("calibration.mma_kernel_fixed_us", "us",
              "fitted: device time of a tensor-core library kernel (GEMM, implicit-GEMM conv, fused "
              "attention) beyond its waves: "
              "descriptor and barrier setup, the first tile's operand fetch, the last tile's store",
              d.mma_kernel_fixed_s * 1e6, 0, 1e3);
  s->add_real(
      "calibration.conv_setup_us", "us",
      "fitted: further device time of a cuDNN sm90 implicit-GEMM convolution before its first tile streams "
      "(per kernel, beyond mma_kernel_fixed_us), for a 128x128 tile; it scales with the tile's accumulators",
      d.conv_setup_s * 1e6, 0, 1e3);
  s->add_real(
      "calibration.depthwise_direct_fixed_steps", "steps",
      "fitted (ops4_h100.csv calibration rows, 13.5 % there): dependent steps of each wave of cuDNN's direct "
      "depthwise kernel before its tap loads",
      d.depthwise_direct_fixed_steps, 0, 1e4);
  s->add_real(
      "calibration.depthwise_direct_steps_per_tap", "steps",
      "fitted with depthwise_direct_fixed_steps: dependent steps per in-image tap load at 16 L1 wavefronts "
      "(scaled by the wavefronts a load costs)",
      d.depthwise_direct_steps_per_tap, 0, 1e4);
  s->add_real("calibration.depthwise_direct_steps_per_miss", "steps",
              "fitted with depthwise_direct_fixed_steps: further steps per tap load that misses L1 (an L2 "
              "round trip)",
              d.depthwise_direct_steps_per_miss, 0, 1e4);
  s->add_integer(
      "calibration.depthwise_tiled_first_round_steps", "steps",
      "fitted (ops3_h100.csv calibration rows): a CTA's first round in cuDNN's tiled depthwise kernel "
      "(filters, indices, then the first tile's loads)",
      d.depthwise_tiled_first_round_steps, 0, 10000);
  s->add_integer(
      "calibration.depthwise_tiled_empty_pass_steps", "steps",
      "fitted with the first-round steps: each further pass of the tiled depthwise grid over the machine, "
      "tiles or not",
      d.depthwise_tiled_empty_pass_steps, 0, 10000);
  s->add_integer("calibration.depthwise_tiled_load_steps", "steps",
                 "steps a streamed tile's loads take to land in the tiled depthwise kernel, spread over its "
                 "stages - 1 tiles in flight (read off the Nsight stall profile in ops3_h100_launch.csv)",
                 d.depthwise_tiled_load_steps, 1, 10000);
  s->add_integer("calibration.attention_cta_chain_steps", "steps",
                 "fitted (calibration rows, 8.4 % there, 9.5 % without): dependent accesses per wave of a "
                 "FlashAttention-2 CTA around its main loop (Q and the first K/V blocks in, rescale, store)",
                 d.attention_cta_chain_steps, 0, 10000);
  s->add_real(
      "calibration.broadcast_lane_ops_per_operand", "op/element",
      "fitted (calibration rows of torch_ops_h100.csv: a 3-operand bias add at 430 G elements/s): integer "
      "lane instructions per element and operand of ATen's broadcasting elementwise kernel (its "
      "OffsetCalculator's divisions and multiply-adds)",
      d.broadcast_lane_ops_per_operand, 0, 1e4);
  s->add_integer(
      "calibration.strided_reduce_fixed_steps", "steps",
      "fitted (calibration rows of torch_ops_h100.csv: ~4 us however small): dependent steps of ATen's "
      "strided mean reduction before one more per 512 values per output (loads, the block.y tree, the store)",
      d.strided_reduce_fixed_steps, 0, 10000);
  s->add_real(
      "calibration.norm_loop_miss_fraction", "1",
      "fitted (calibration half of issue 16's training kernels, "
      "validation/data/train_kernels_h100_seed20*.csv; "
      "seed21 held out): share of the steps of ATen's NCHW batch-norm statistics and backward loops (one "
      "element per thread per step, Welford or sums) whose load misses the L2 and waits hbm.latency_ns more; "
      "they settle at 410-460 ns a step on the H100",
      d.norm_loop_miss_fraction, 0, 1);
  s->add_real("calibration.tensor_transform_setup_us", "us",
              "fitted (conv2d/dense-nchw rows of random_ops_h100.csv; the dgrad and conv3d rows held out): "
              "device time of cuDNN's tensorTransformGeneric before its elements stream (~9.5 us however "
              "small the filter)",
              d.tensor_transform_setup_s * 1e6, 0, 1e3);
  s->add_real("calibration.tensor_transform_lane_ops_per_element", "ops",
              "fitted with tensor_transform_setup_us: integer instructions per element of "
              "tensorTransformGeneric's generic (any rank, any strides) index decomposition",
              d.tensor_transform_lane_ops_per_element, 0, 1e5);
  s->add_real("calibration.legacy_conv_lane_ops_per_mac", "ops",
              "fitted (random_ops_h100 seeds 15-19, the stems that ran implicit_convolve_sgemm): further "
              "CUDA-core instructions per MAC of cuDNN's legacy SIMT convolution (operand conversions, "
              "im2col indices, padding predicates)",
              d.legacy_conv_lane_ops_per_mac, 0, 1e3);
  s->add_real("calibration.cta_launch_ns", "ns",
              "fitted (the H100 config says on what): time an SM takes to start one CTA (allocate its "
              "registers and shared memory, launch its warps); CTAs start one after another, so a wave of "
              "n CTAs per SM lasts at least n of these (grids of one tiny CTA per gathered row)",
              d.cta_launch_s * 1e9, 0, 1e5);
  interconnect::add_switched_keys(*s);  // multi-device runs (arch/interconnect)
  return s;
}

GpuSpec make_spec(const config::Resolved& c) {
  GpuSpec s;
  s.name = c.name();
  s.sm_count = c.integer("sm.count");
  s.register_file_bytes = c.integer("sm.register_file_kb") * 1024;
  s.shared_memory_bytes = c.integer("sm.shared_memory_kb") * 1024;
  s.l1_shared_bytes = c.integer("sm.l1_shared_kb") * 1024;
  s.shared_bandwidth_bytes_per_clk = c.real("sm.shared_bandwidth_bytes_per_clk");
  s.load_port_bytes_per_clk = c.real("sm.load_port_bytes_per_clk");
  s.l2_slices = c.integer("l2.slices");
  s.hbm_channels = c.integer("hbm.channels");
  s.sfu_ops_per_clk = c.real("sm.sfu_ops_per_clk");
  s.max_ctas_per_sm = c.integer("sm.max_ctas");
  s.compute_capability = c.integer("sm.compute_capability");
  s.max_threads_per_sm = c.integer("sm.max_threads");
  s.cluster4_ctas = c.integer("sm.cluster4_ctas") > 0 ? c.integer("sm.cluster4_ctas") : s.sm_count;
  s.max_clock_hz = c.real("clock.max_mhz") * 1e6;
  s.sustained_clock_hz = c.real("clock.sustained_mhz") * 1e6;
  s.tensor_fp16_flops = c.real("tensor.fp16_flops_per_clk");
  s.tensor_bf16_flops = c.real("tensor.bf16_flops_per_clk");
  s.tensor_tf32_flops = c.real("tensor.tf32_flops_per_clk");
  s.tensor_fp8_flops = c.real("tensor.fp8_flops_per_clk");
  s.tensor_int8_flops = c.real("tensor.int8_flops_per_clk");
  s.cuda_fp32_flops = c.real("cuda.fp32_flops_per_clk");
  s.cuda_fp16_flops = c.real("cuda.fp16_flops_per_clk");
  s.cuda_fp64_flops = c.real("cuda.fp64_flops_per_clk");
  s.l2_bytes = c.integer("l2.size_kb") * 1024;
  s.l2_bandwidth_bytes_per_s = c.real("l2.bandwidth_bytes_per_clk") * c.real("l2.clock_mhz") * 1e6;
  s.hbm_bandwidth_bytes_per_s = c.real("hbm.bandwidth_gbps") * 1e9;
  s.hbm_latency_s = c.real("hbm.latency_ns") * 1e-9;
  s.hbm_bytes = static_cast<int64_t>(c.real("hbm.capacity_gb") * 1e9);
  s.launch_overhead_s = c.real("launch.overhead_us") * 1e-6;
  s.graph_kernel_overhead_s = c.real("launch.graph_overhead_us") * 1e-6;
  s.memset_node_overhead_s = c.real("launch.memset_node_us") * 1e-6;
  s.stream_kernel_extra_s = c.real("launch.stream_extra_us") * 1e-6;
  s.power_window_s = c.real("power.limiter_window_ms") * 1e-3;
  s.idle_w = c.real("power.idle_w");
  s.tdp_w = c.real("power.tdp_w");
  s.active_w = c.real("power.active_w");
  s.sm_active_w = c.real("power.sm_active_w");
  s.sm_memory_bound_share = c.real("power.sm_memory_bound_share");
  s.voltage_at_sustained = c.real("power.voltage_at_sustained");
  s.pj_per_flop_fp16 = c.real("energy.fp16_pj_per_flop");
  s.pj_per_flop_bf16 = c.real("energy.bf16_pj_per_flop");
  s.pj_per_flop_tf32 = c.real("energy.tf32_pj_per_flop");
  s.pj_per_flop_fp8 = c.real("energy.fp8_pj_per_flop");
  s.pj_per_flop_int8 = c.real("energy.int8_pj_per_flop");
  s.pj_per_flop_cuda_fp32 = c.real("energy.cuda_fp32_pj_per_flop");
  s.pj_per_flop_cuda_fp16 = c.real("energy.cuda_fp16_pj_per_flop");
  s.pj_per_stream_op = c.real("energy.stream_pj_per_op");
  s.mma_sync_energy_factor = c.real("energy.mma_sync_factor");
  s.l2_pj_per_byte = c.real("energy.l2_pj_per_byte");
  s.dram_pj_per_byte = c.real("energy.dram_pj_per_byte");
  s.fuse_epilogues = c.boolean("lowering.fuse_epilogues");
  s.software = make_software(c);
  auto& k = s.calibration;
  k.tensor_efficiency = c.real("calibration.tensor_efficiency");
  k.simt_efficiency = c.real("calibration.simt_efficiency");
  k.conv_efficiency = c.real("calibration.conv_efficiency");
  k.tensor_clock_efficiency = c.real("calibration.tensor_clock_efficiency");
  k.attention_efficiency = c.real("calibration.attention_efficiency");
  k.attention_wgmma_efficiency = c.real("calibration.attention_wgmma_efficiency");
  k.attention_backward_efficiency = c.real("calibration.attention_backward_efficiency");
  k.hbm_efficiency = c.real("calibration.hbm_efficiency");
  k.hbm_low_mlp_efficiency = c.real("calibration.hbm_low_mlp_efficiency");
  k.unaligned_efficiency = c.real("calibration.unaligned_efficiency");
  k.l2_resident_fraction = c.real("calibration.l2_resident_fraction");
  k.l2_dirty_fraction = c.real("calibration.l2_dirty_fraction");
  k.l2_loop_fraction = c.real("calibration.l2_loop_fraction");
  k.tile_overhead_cycles = c.real("calibration.tile_overhead_cycles");
  k.dependent_access_s = c.real("calibration.dependent_access_ns") * 1e-9;
  k.mma_kernel_fixed_s = c.real("calibration.mma_kernel_fixed_us") * 1e-6;
  k.conv_setup_s = c.real("calibration.conv_setup_us") * 1e-6;
  k.depthwise_direct_fixed_steps = c.real("calibration.depthwise_direct_fixed_steps");
  k.depthwise_direct_steps_per_tap = c.real("calibration.depthwise_direct_steps_per_tap");
  k.depthwise_direct_steps_per_miss = c.real("calibration.depthwise_direct_steps_per_miss");
  k.depthwise_tiled_first_round_steps = c.integer("calibration.depthwise_tiled_first_round_steps");
  k.depthwise_tiled_empty_pass_steps = c.integer("calibration.depthwise_tiled_empty_pass_steps");
  k.depthwise_tiled_load_steps = c.integer("calibration.depthwise_tiled_load_steps");
  k.attention_cta_chain_steps = c.integer("calibration.attention_cta_chain_steps");
  k.broadcast_lane_ops_per_operand = c.real("calibration.broadcast_lane_ops_per_operand");
  k.strided_reduce_fixed_steps = c.integer("calibration.strided_reduce_fixed_steps");
  k.norm_loop_miss_fraction = c.real("calibration.norm_loop_miss_fraction");
  k.tensor_transform_setup_s = c.real("calibration.tensor_transform_setup_us") * 1e-6;
  k.tensor_transform_lane_ops_per_element = c.real("calibration.tensor_transform_lane_ops_per_element");
  k.cta_launch_s = c.real("calibration.cta_launch_ns") * 1e-9;
  k.legacy_conv_lane_ops_per_mac = c.real("calibration.legacy_conv_lane_ops_per_mac");
  return s;
}

double GpuSpec::tensor_flops_per_clk(DType dt) const {
  switch (dt) {
    case DType::fp16:
      return tensor_fp16_flops;
    case DType::bf16:
      return tensor_bf16_flops;
    case DType::tf32:
      return tensor_tf32_flops;
    case DType::fp8_e4m3:
      return tensor_fp8_flops;
    case DType::int8:
      return tensor_int8_flops;
    case DType::int4:
      return 0;  // Hopper has no int4 tensor path
    case DType::fp32:
      return 0;  // fp32 without TF32 runs on CUDA cores
  }
  return 0;
}

double GpuSpec::tensor_pj_per_flop(DType dt) const {
  switch (dt) {
    case DType::fp16:
      return pj_per_flop_fp16;
    case DType::bf16:
      return pj_per_flop_bf16;
    case DType::tf32:
      return pj_per_flop_tf32;
    case DType::fp8_e4m3:
      return pj_per_flop_fp8;
    case DType::int8:
      return pj_per_flop_int8;
    case DType::int4:
      return pj_per_flop_int8;
    case DType::fp32:
      return pj_per_flop_cuda_fp32;
  }
  return 0;
}

void check(const config::Resolved& c) {
  check_software(c);
  auto fail = [&](const char* key, const std::string& what) {
    throw ConfigError(fmt::format("{}: {}: {}", c.entries().at(key).origin, key, what));
  };
  if (c.real("clock.sustained_mhz") > c.real("clock.max_mhz"))
    fail("clock.sustained_mhz", fmt::format("expected <= clock.max_mhz ({}), got {}", c.real("clock.max_mhz"),
                                            c.real("clock.sustained_mhz")));
  if (c.integer("sm.cluster4_ctas") > c.integer("sm.count"))
    fail("sm.cluster4_ctas", fmt::format("expected <= sm.count ({}), got {}", c.integer("sm.count"),
                                         c.integer("sm.cluster4_ctas")));
  if (c.real("power.idle_w") >= c.real("power.tdp_w"))
    fail("power.idle_w",
         fmt::format("expected < power.tdp_w ({}), got {}", c.real("power.tdp_w"), c.real("power.idle_w")));
  if (c.integer("sm.shared_memory_kb") > c.integer("sm.l1_shared_kb"))
    fail("sm.shared_memory_kb", fmt::format("expected <= sm.l1_shared_kb ({}), got {}",
                                            c.integer("sm.l1_shared_kb"), c.integer("sm.shared_memory_kb")));
  // The library GEMM tiles need at least two 64x64x64 16-bit pipeline stages in shared memory.
  if (c.integer("sm.shared_memory_kb") < 32)
    fail("sm.shared_memory_kb", fmt::format("expected >= 32 (two 64x64x64 fp16 GEMM stages), got {}",
                                            c.integer("sm.shared_memory_kb")));
}

}  // namespace orrery::arch::gpu
