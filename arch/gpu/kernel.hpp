#pragma once
// One GPU kernel launch as the timing models see it: a grid of CTAs, each doing the same amount
// of math and moving the same share of bytes. The mapper (mappers/gpu/) decides these numbers
// the way cuBLAS/cuDNN/FlashAttention would; the models (kernel_timing, sc/) time them.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "workloads/dtype.hpp"

namespace orrery::arch::gpu {

// Which unit bounds the math and which calibrated efficiency applies to it.
enum class Engine {
  tensor_gemm,     // tensor cores, library GEMM / implicit-GEMM main loop
  simt_gemm,       // CUDA cores (fp32 without TF32)
  implicit_gemm,   // tensor cores, cuDNN implicit-GEMM convolution main loop
  unaligned_gemm,  // tensor cores through mma.sync with unvectorized loads (rows not 16-byte aligned)
  attention,       // tensor cores inside a fused flash-attention kernel (mma.sync: FlashAttention-2, CUTLASS)
  attention_wgmma,  // tensor cores inside a Hopper-native fused attention kernel (wgmma: cuDNN's sm90 SDPA)
  stream,           // memory-bound: elementwise, norm, softmax, copy, reduce, pool, embedding
  depthwise,        // memory-bound depthwise convolution (CUDA cores)
};
std::string_view to_string(Engine e);

struct Kernel {
  std::string name;  // library-style, e.g. "gemm_tc_128x256_64x4" (tile MxN, K-step x stages)
  Engine engine = Engine::stream;
  workloads::DType math_dtype = workloads::DType::fp16;
  int64_t ctas = 1;         // grid size
  int64_t ctas_per_sm = 1;  // resident at once on one SM
  // A persistent grid: at most this many CTAs resident at once, each walking tiles in turn
  // (0: as many as the SMs hold). cuDNN's sm90 convolutions launch 30 clusters of 4 CTAs.
  int64_t max_resident_ctas = 0;
  // Device time before the first tile streams, beyond the engine's own fixed cost.
  double setup_s = 0;
  double flops_per_cta = 0;  // math each CTA executes (padded tile, FMA = 2)
  // Share of its engine's (calibrated) MMA rate this kernel's loop reaches (a fused backward
  // against the forward loop the engine efficiency was fitted on).
  double mma_rate_share = 1.0;
  double smem_bytes_per_cta = 0;  // shared-memory operand reads feeding the MMA units
  double sfu_ops_per_cta = 0;     // special-function ops (exp) not overlapped with the MMAs
  double useful_flops = 0;        // 2 * MACs of the op, plus vector FLOPs
  double l2_bytes = 0;            // all L2 <-> SM traffic (loads and stores)
  // Bytes the CTAs move through their SMs' load/store ports (0: l2_bytes). An operand panel
  // multicast to a cluster is read from L2 once but lands in every CTA's shared memory.
  double sm_bytes = 0;
  double dram_read_bytes = 0;   // predicted HBM reads (compulsory + re-fetch)
  double dram_write_bytes = 0;  // predicted HBM writes during the kernel (L2 is write-back)
  double written_bytes = 0;     // what the kernel stores (its outputs, partials)
  // GEMM-like kernels: the CTA tile and its pipeline (0 elsewhere).
  int64_t tile_m = 0, tile_n = 0, tile_k = 0, stages = 0, split_k = 1, k_iters = 0;
  bool swapped = false;      // the library computed C^T = B^T A^T (tile_m runs along N)
  bool row_per_cta = false;  // each CTA loads a row, reduces it, then stores (norm, softmax, depthwise plane)
  // Every CTA of a wave issues its loads at once and then waits for them (no loads of later
  // rows in flight): the wave's round trip adds to its streaming time instead of hiding under it.
  bool wave_round_trip = false;
  // The same warps stage operands through registers (LDG, then STS: no cp.async/TMA) and issue
  // the MMAs, so the shared-memory/load-path time adds to the math instead of hiding under it.
  bool serial_loads = false;
  // Serial load -> use steps each CTA walks through (a loop whose next load issues only after
  // the previous value is used): each costs one dependent global access on top of the
  // streaming time of the bytes it moves (0: loads are pipelined and hide under bandwidth).
  int64_t dependent_accesses = 0;
  // Serial steps that each wait a full DRAM round trip (hbm.latency_ns) in every CTA: a load
  // whose address comes from a previous load of data not yet on chip (an index, then the row it
  // names), on the cold inputs a single call finds; or an element-wise layout kernel (cuDNN's
  // transposes and padding copies) moving one element per resident thread per round, the store
  // waiting for its load, so its bandwidth is the bytes all resident threads hold in flight over
  // the DRAM latency rather than the HBM peak. Added per wave like dependent_accesses.
  int64_t dram_round_trips = 0;
  // The dependent chain is the CTA walking its tiles: those steps' loads are the kernel's
  // traffic, so the chain and the streaming overlap (time is the longer of the two) instead of
  // the chain following the first loads.
  bool chain_carries_traffic = false;
  // Of the dependent_accesses, how many (on average) wait on a load that misses the L2 (a streamed
  // operand read once, a random row of a table larger than the L2): each waits the DRAM latency
  // more. (dram_round_trips are whole round trips beside those steps; both cost hbm.latency_ns.)
  double dram_dependent_accesses = 0;
  // Low memory-level parallelism: each thread keeps one or two loads in flight and stores between
  // them (a per-element load -> store loop, a row loaded, reduced, then re-read and stored). Such
  // kernels reach a smaller share of the HBM bandwidth (calibration.hbm_low_mlp_efficiency) than
  // streaming ones whose threads keep several vector loads in flight: an observed plateau (1.8-2.2
  // TB/s on the H100 for ATen's NCHW batch norm, layer norm, the dynamic-cast copy, cuDNN's
  // single-read batch norm), not a derived figure.
  bool low_mlp = false;
  // Integer/address instructions per CTA on the CUDA cores (one lane each; a non-vectorized
  // broadcasting kernel's offset arithmetic), issued beside the math.
  double lane_ops_per_cta = 0;
  // A cudaMemset node, not a kernel: in a CUDA graph the nodes around it wait much longer
  // than between two kernels (launch.memset_node_us).
  bool memset = false;

  // Every field that the timing models read, so a saved mapping re-times identically; fields at
  // their defaults are left out. from_json throws MappingError naming the key.
  nlohmann::json to_json() const;
  static Kernel from_json(const nlohmann::json& j);
};

}  // namespace orrery::arch::gpu
