#include "sim/train_report.hpp"

#include <fmt/format.h>

#include <map>

#include "common/error.hpp"

namespace orrery::sim {

using workloads::training::Phase;

int64_t training_workspace_bytes(const config::Resolved& cfg) {
  return cfg.family() == "gpu" ? int64_t{32} << 20 : 0;
}

std::optional<int64_t> device_memory_bytes(const config::Resolved& cfg) {
  if (cfg.entries().count("hbm.capacity_gb"))
    return static_cast<int64_t>(cfg.real("hbm.capacity_gb") * 1e9);  // GB as vendors count them
  return std::nullopt;
}

namespace {

// The sum over a layer's kernels of one field of the GPU family's per-kernel record (host_wait_us:
// how long each waited for an eager host; busy_us: its own duration), in seconds; nullopt where
// the layer lists no kernels.
std::optional<double> kernel_sum_seconds(const arch::LayerResult& l, const char* field_us) {
  if (!l.timing.is_object() || !l.timing.contains("kernels")) return std::nullopt;
  double s = 0;
  for (const auto& k : l.timing["kernels"]) s += k.value(field_us, 0.0) * 1e-6;
  return s;
}

void add(std::optional<double>& sum, std::optional<double> v) {
  if (v) sum = sum.value_or(0.0) + *v;
}

}  // namespace

TrainSummary summarize_training(const workloads::training::TrainingStep& step, const arch::RunResult& run,
                                std::optional<int64_t> capacity_bytes) {
  const auto& ops = step.graph.ops();
  if (run.layers.size() != ops.size())
    throw SimulationError(
        fmt::format("training step: {} layers timed for {} ops", run.layers.size(), ops.size()));
  TrainSummary s;
  s.memory = step.memory;
  s.capacity_bytes = capacity_bytes;
  if (capacity_bytes && step.memory.peak > *capacity_bytes)
    s.overflow_bytes = step.memory.peak - *capacity_bytes;
  for (const auto& l : step.layers) s.layers.push_back({l.name, 0, 0, l.params, l.saved_bytes});
  for (size_t i = 0; i < ops.size(); ++i) {
    const double t = run.layers[i].stats.seconds;
    const double wait = kernel_sum_seconds(run.layers[i], "host_wait_us").value_or(0.0);
    const std::optional<double> busy = kernel_sum_seconds(run.layers[i], "busy_us");
    const int layer = step.layer[i];
    switch (step.phase[i]) {
      case Phase::forward:
        s.forward_s += t;
        s.forward_wait_s += wait;
        add(s.forward_busy_s, busy);
        break;
      case Phase::recompute:
        s.recompute_s += t;
        s.backward_s += t;
        s.backward_wait_s += wait;
        add(s.backward_busy_s, busy);
        break;
      case Phase::backward:
        s.backward_s += t;
        s.backward_wait_s += wait;
        add(s.backward_busy_s, busy);
        break;
      case Phase::optimizer:
        s.optimizer_s += t;
        s.optimizer_wait_s += wait;
        add(s.optimizer_busy_s, busy);
        break;
    }
    if (layer >= 0) {
      auto& l = s.layers[static_cast<size_t>(layer)];
      (step.phase[i] == Phase::forward ? l.forward_s : l.backward_s) += t;
    }
  }
  s.notes = step.notes;
  return s;
}

nlohmann::json to_json(const TrainSummary& s) {
  nlohmann::json j;
  j["forward_s"] = s.forward_s;
  j["backward_s"] = s.backward_s;
  j["recompute_s"] = s.recompute_s;
  j["optimizer_s"] = s.optimizer_s;
  j["host_wait_s"] = {
      {"forward", s.forward_wait_s}, {"backward", s.backward_wait_s}, {"optimizer", s.optimizer_wait_s}};
  if (s.forward_busy_s || s.backward_busy_s || s.optimizer_busy_s)
    j["kernel_busy_s"] = {{"forward", s.forward_busy_s.value_or(0.0)},
                          {"backward", s.backward_busy_s.value_or(0.0)},
                          {"optimizer", s.optimizer_busy_s.value_or(0.0)}};
  j["peak_memory_bytes"] = s.memory.peak;
  j["memory"] = {{"weights", s.memory.weights},
                 {"gradients", s.memory.gradients},
                 {"optimizer", s.memory.optimizer},
                 {"activations", s.memory.activations},
                 {"workspace", s.memory.workspace}};
  j["capacity_bytes"] = s.capacity_bytes ? nlohmann::json(*s.capacity_bytes) : nlohmann::json(nullptr);
  j["fits"] = s.capacity_bytes ? nlohmann::json(s.fits()) : nlohmann::json(nullptr);
  j["overflow_bytes"] = s.overflow_bytes;
  j["notes"] = s.notes;
  return j;
}

}  // namespace orrery::sim
