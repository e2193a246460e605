#pragma once
// A step of a workload spread over devices: the tensor-parallel graph of one device is timed by
// the family's own model (Family::simulate, at the chosen fidelity), cut into pipeline stages,
// and the step's program (compute, collectives, send/recv) runs on the interconnect model: the
// analytical executor, or at the cycle fidelity the SystemC model of devices and links.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "arch/family.hpp"
#include "arch/interconnect/program.hpp"
#include "arch/interconnect/spec.hpp"
#include "sim/parallel/pipeline_stages.hpp"
#include "sim/parallel/step_program.hpp"
#include "sim/parallel/strategy.hpp"
#include "sim/train_report.hpp"
#include "workloads/training/train_options.hpp"

namespace orrery::sim::parallel {

struct ParallelResult {
  Strategy strategy;
  arch::interconnect::InterconnectSpec interconnect;
  int64_t global_batch = 1, microbatch_size = 1;
  arch::RunResult device_run;         // one device, one microbatch, the whole tensor-parallel graph (its
                                      // training step with --train)
  std::vector<std::string> op_names;  // the tensor-parallel graph's ops, which stages index
  SimulatedRanks ranks;  // the data-parallel replicas and TP ranks given tasks (the rest are identical)
  std::vector<StageSpan>
      stages;  // the model chunks: P stages, or P x V with interleaving (chunk k on stage k mod P)
  StepProgram program;
  arch::interconnect::ProgramResult timing;
  double step_s = 0;
  // --train: the phases of one microbatch on one device; memory is that of the fullest device.
  std::optional<TrainSummary> train;
  std::vector<workloads::training::Memory> stage_memory;  // per pipeline stage, one device
};

// `graph` is the workload at the microbatch size (global batch / (dp x microbatches)). With
// `train`, every device runs the training step of its tensor-parallel graph (train_costs.hpp).
// Throws UsageError when the strategy needs more devices than the interconnect has,
// WorkloadError when the graph cannot be split, ConfigError for a family without an interconnect.
ParallelResult run_parallel(const arch::Family& family, const config::Resolved& cfg,
                            const workloads::Graph& graph, const Strategy& strategy,
                            const arch::RunOptions& options, int64_t global_batch,
                            const std::optional<workloads::training::TrainOptions>& train = std::nullopt);

// The report's "parallel" section.
nlohmann::json parallel_json(const ParallelResult& r);

// The report's totals for the step: seconds = the step, throughput = global batch per second,
// energy and counters = the compute of every device (communication energy is not modelled).
arch::RunResult step_run_result(const ParallelResult& r);

}  // namespace orrery::sim::parallel
