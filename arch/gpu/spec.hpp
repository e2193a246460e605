#pragma once
// A GPU (streaming multiprocessors, L2, HBM), as its config describes it (configs/gpu/*.yaml).
// Immutable once built from a validated config. Physical parameters come from vendor documents
// and the device itself; the few calibrated constants sit together in GpuCalibration.
#include <cstdint>
#include <memory>
#include <string>

#include "arch/gpu/software.hpp"
#include "common/config/resolved.hpp"
#include "workloads/dtype.hpp"

namespace orrery::arch::gpu {

// Constants fitted on the calibration split of validation/data (never on held-out rows); their
// values and the fit live in the config's `calibration:` section.
struct GpuCalibration {
  double tensor_efficiency = 0.8;           // fraction of peak MMA issue a library GEMM main loop sustains
  double tensor_clock_efficiency = 0;       // per-clock MMA efficiency below the max clock (0: as at the max)
  double conv_efficiency = 0.6;             // same for cuDNN implicit-GEMM convolutions
  double simt_efficiency = 0.7;             // same for CUDA-core (SIMT) GEMMs
  double attention_efficiency = 0.45;       // same for the fused flash-attention kernel
  double attention_wgmma_efficiency = 0.9;  // same for Hopper-native (wgmma) fused attention (cuDNN sm90)
  // cuDNN's fused attention backward over its forward: its five MMAs chain through each score
  // tile (S, P, dP, dS, then dV, dK, dQ), with register -> shared-memory round trips and fences
  // between them, so the wgmma pipeline runs less full than in the forward's loop.
  double attention_backward_efficiency = 1.0;
  double hbm_efficiency = 0.9;           // achievable fraction of peak HBM bandwidth (streaming)
  double hbm_low_mlp_efficiency = 0.57;  // the same for kernels of few loads in flight (Kernel::low_mlp)
  double unaligned_efficiency =
      0.15;                           // fraction of peak MMA rate of mma.sync kernels with unvectorized loads
  double l2_resident_fraction = 0.7;  // fraction of L2 a kernel's working set can occupy
  double l2_dirty_fraction = 0.7;     // fraction of L2 holding a kernel's last writes, dirty, when it ends
  double l2_loop_fraction = 0.7;      // fraction of L2 a loop of one kernel keeps resident across copies
  double tile_overhead_cycles = 800;  // per-tile prologue/epilogue (pipeline fill, C store)
  double dependent_access_s =
      270e-9;  // one load -> use step of a latency-bound loop (no loads in flight across steps)
  double mma_kernel_fixed_s = 0;  // per tensor-core library kernel: setup, first operand fetch, last store
  double conv_setup_s = 0;        // further setup of a cuDNN sm90 implicit-GEMM kernel (128x128 tile)
  // Dependent-step counts of kernels whose waves are latency chains (mappers/gpu/conv_kernels,
  // attention_kernels), in units of dependent_access_s; the H100 fits are the defaults.
  double depthwise_direct_fixed_steps = 13.1;      // cuDNN direct depthwise: per wave
  double depthwise_direct_steps_per_tap = 2.35;    // ... per in-image tap load at 16 L1 wavefronts
  double depthwise_direct_steps_per_miss = 1.06;   // ... per tap load that misses L1
  int64_t depthwise_tiled_first_round_steps = 19;  // cuDNN tiled depthwise: filters, indices, first tile
  int64_t depthwise_tiled_empty_pass_steps = 15;   // ... each further pass of the grid over the machine
  int64_t depthwise_tiled_load_steps = 20;     // ... a streamed tile's loads landing (split over stages - 1)
  int64_t attention_cta_chain_steps = 8;       // FlashAttention-2: a CTA's chain around its main loop
  double broadcast_lane_ops_per_operand = 40;  // ATen's broadcasting elementwise: index math per operand
  int64_t strided_reduce_fixed_steps = 12;     // ATen's strided mean reduction: loads, tree, store
  double norm_loop_miss_fraction = 0.35;       // ATen's NCHW batch-norm loops: steps whose load misses L2
  // cuDNN's tensorTransformGeneric (filters whose output channels are not whole 16-byte vectors,
  // NCHW): a serial prologue, then integer index arithmetic per element.
  double tensor_transform_setup_s = 9.8e-6;
  double tensor_transform_lane_ops_per_element = 270;
  // cuDNN's legacy implicit_convolve(Nd)_sgemm (16-bit stems of fewer than 8 channels): FP32 FMAs
  // on the CUDA cores, and per MAC this many further instructions (both operands converted to
  // fp32, the im2col index of the input element, the padding predicate).
  double legacy_conv_lane_ops_per_mac = 2.4;
  // An SM's block scheduler starts its CTAs one after another, each start (registers, shared
  // memory, warp setup) taking this long: a floor on waves of many tiny CTAs (one per row).
  double cta_launch_s = 0;
};

struct GpuSpec {
  std::string name;
  int64_t sm_count = 0;
  double max_clock_hz = 0;        // boost clock: short kernels run here
  double sustained_clock_hz = 0;  // floor of the power-capped clock under sustained tensor load
  // Math throughput per SM per clock (dense FLOP; an FMA counts 2).
  double tensor_fp16_flops = 0, tensor_bf16_flops = 0, tensor_tf32_flops = 0, tensor_fp8_flops = 0,
         tensor_int8_flops = 0;
  double cuda_fp32_flops = 0, cuda_fp16_flops = 0, cuda_fp64_flops = 0;
  // Per-SM storage.
  int64_t register_file_bytes = 0;
  int64_t shared_memory_bytes = 0;  // max shared memory usable by resident CTAs
  int64_t l1_shared_bytes = 0;      // combined L1 + shared capacity
  double shared_bandwidth_bytes_per_clk = 0;
  double load_port_bytes_per_clk = 0;       // what one SM's load path takes from L2 per SM clock
  int64_t l2_slices = 1, hbm_channels = 1;  // the cycle model's L2 and HBM queues
  double sfu_ops_per_clk = 0;               // special-function unit (exp, rsqrt) throughput per SM
  int64_t max_ctas_per_sm = 0;
  int64_t compute_capability = 90;  // x 10: 90 = sm90 (Hopper)
  int64_t max_threads_per_sm = 0;
  int64_t cluster4_ctas = 0;  // CTAs that 4-CTA clusters place at once (<= sm_count)
  // L2 and HBM.
  int64_t l2_bytes = 0;
  double l2_bandwidth_bytes_per_s = 0;  // whole chip (own clock domain, independent of the SM clock)
  double hbm_bandwidth_bytes_per_s = 0;
  double hbm_latency_s = 0;
  int64_t hbm_bytes = 0;
  // Fixed costs.
  double launch_overhead_s = 0;        // one kernel timed alone (CUDA events around it)
  double graph_kernel_overhead_s = 0;  // per kernel inside a CUDA graph
  double stream_kernel_extra_s = 0;    // more per kernel after an op's first, launched on a stream
  double memset_node_overhead_s = 0;   // extra per cudaMemset node inside a CUDA graph
  double power_window_s = 0.5;         // a run longer than this settles at the power-capped clock
  double mma_sync_energy_factor = 1;   // energy per FLOP of mma.sync kernels over wgmma's
  // Power and energy.
  double idle_w = 0, tdp_w = 0, active_w = 0;
  double sm_active_w = 0;            // SM power while all SMs hold CTAs (scaled by the share that do)
  double sm_memory_bound_share = 1;  // share of sm_active_w a memory-bound kernel's SMs draw
  double voltage_at_sustained = 1;   // SM voltage at the sustained clock over the max clock's
  double pj_per_flop_fp16 = 0, pj_per_flop_bf16 = 0, pj_per_flop_tf32 = 0, pj_per_flop_fp8 = 0,
         pj_per_flop_int8 = 0, pj_per_flop_cuda_fp32 = 0, pj_per_flop_cuda_fp16 = 0;
  double pj_per_stream_op = 0;  // memory-bound kernels, per vector op of the op model
  double l2_pj_per_byte = 0, dram_pj_per_byte = 0;
  bool fuse_epilogues = false;  // whole graphs: fold BN/activations into conv/gemm (TensorRT-style)
  GpuCalibration calibration;
  SoftwareSpec software;  // the stack that launches the kernels (`software:`)

  // Tensor-core FLOP/clk/SM for `dt` (fp32 maps to 0: no tensor path without TF32).
  double tensor_flops_per_clk(workloads::DType dt) const;
  double tensor_pj_per_flop(workloads::DType dt) const;
  double hbm_bytes_per_clk(double clock_hz) const { return hbm_bandwidth_bytes_per_s / clock_hz; }
};

std::shared_ptr<const config::Schema> make_schema();
GpuSpec make_spec(const config::Resolved& cfg);  // cfg already validated against the schema
void check(const config::Resolved& cfg);         // cross-field checks, throws ConfigError

}  // namespace orrery::arch::gpu
