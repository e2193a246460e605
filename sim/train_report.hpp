#pragma once
// The `train` section of a report: one training step's time split into its phases and its
// memory against the device's capacity. The per-layer split (forward/backward time, parameters,
// saved activations) is the input the multi-device model partitions.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "arch/family.hpp"
#include "common/config/resolved.hpp"
#include "workloads/training/training_step.hpp"

namespace orrery::sim {

struct TrainLayer {
  std::string name;
  double forward_s = 0, backward_s = 0;  // backward includes its recomputed forward
  int64_t params = 0, saved_bytes = 0;
};

struct TrainSummary {
  double forward_s = 0;   // the forward and the loss
  double backward_s = 0;  // gradients, including recomputed forwards (recompute_s of it)
  double recompute_s = 0;
  double optimizer_s = 0;  // grad unscaling and the update
  // Eager launch: the part of each phase the GPU idles waiting for the host's dispatch (the
  // phase's kernels alone take the rest); 0 where kernels are replayed from a graph.
  double forward_wait_s = 0, backward_wait_s = 0, optimizer_wait_s = 0;
  // GPU: the phase's kernels' own durations, what a profiler's kernel sum counts (no launch gaps
  // between kernels, no host waits); nullopt where the family records no kernels.
  std::optional<double> forward_busy_s, backward_busy_s, optimizer_busy_s;
  workloads::training::Memory memory;
  std::optional<int64_t> capacity_bytes;  // the device's memory, where the config says
  int64_t overflow_bytes = 0;             // peak - capacity, if positive
  std::vector<TrainLayer> layers;
  std::vector<std::string> notes;
  bool fits() const { return !capacity_bytes || memory.peak <= *capacity_bytes; }
};

// The library workspace a family keeps on the device during a step: PyTorch's default cuBLAS
// workspace on a GPU (32 MiB on sm90: CUBLAS_WORKSPACE_CONFIG ":4096:8", see
// aten/src/ATen/cuda/CublasHandlePool.cpp); 0 elsewhere.
int64_t training_workspace_bytes(const config::Resolved& cfg);

// The device's memory capacity: the GPU's hbm.capacity_gb; nullopt for families whose configs
// do not model off-chip capacity.
std::optional<int64_t> device_memory_bytes(const config::Resolved& cfg);

// Sums the run's layers by the step's phase of each op (layers correspond to graph ops in order).
TrainSummary summarize_training(const workloads::training::TrainingStep& step, const arch::RunResult& run,
                                std::optional<int64_t> capacity_bytes);

nlohmann::json to_json(const TrainSummary& s);

}  // namespace orrery::sim
