#include "arch/gpu/family.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "arch/gpu/aten_calls.hpp"
#include "arch/gpu/kernel_timing.hpp"
#include "arch/gpu/op_stats.hpp"
#include "arch/gpu/sc/gpu_system.hpp"
#include "arch/gpu/spec.hpp"
#include "common/error.hpp"
#include "mappers/gpu/library_mapper.hpp"
#include "mappers/gpu/registry.hpp"

namespace orrery::arch::gpu {

using mappers::gpu::GpuMapping;
using GpuMappings = LayerMappings<GpuMapping>;

namespace {

// How one kernel was timed: the analytical timing, and the cycle model's view where it ran.
nlohmann::json kernel_timing_json(const KernelTiming& t, const sc::ScKernelResult* cycle) {
  nlohmann::json j{{"us", t.seconds * 1e6},
                   {"busy_us", t.busy_seconds * 1e6},
                   {"clock_mhz", t.clock_hz / 1e6},
                   {"power_capped", t.power_capped},
                   {"waves", t.waves},
                   {"power_w", t.power_w}};
  if (t.host_wait_seconds > 0) j["host_wait_us"] = t.host_wait_seconds * 1e6;
  if (cycle)
    j["cycle"] = {{"busy_us", cycle->busy_seconds * 1e6},
                  {"l2_queueing_us", cycle->l2_wait_s * 1e6},
                  {"hbm_queueing_us", cycle->dram_wait_s * 1e6},
                  {"tail_us", cycle->tail_seconds * 1e6}};
  return j;
}

// Analytical timing of every kernel of every op (it also chooses each kernel's clock). A run
// shorter than the power limiter's window is a burst at the max clock; a longer one settles at
// the power-capped clock. An op timed alone pays the isolated launch cost once; under eager launch
// each op's first kernel pays the stream's gap; further kernels as the loop below says.
// The ops whose later kernels a library launches from one host call and chains (programmatic
// dependent launch on sm90): cuBLAS's split-K reduce starts ~0.4 us after the main kernel, as in
// a graph (random_ops_h100.csv's gemm pairs), and the SDPA backends' stages are taken alike (the
// harness's attention rows hold that). cuDNN's NCHW convolutions show ATen-like gaps (~1.25 us
// per kernel), so they stay on the stream's cost.
bool library_chained(const workloads::Op& op) {
  return op.get<workloads::GemmParams>() || op.get<workloads::AttentionParams>();
}

std::vector<std::vector<KernelTiming>> time_all(const GpuSpec& spec, const workloads::Graph& graph,
                                                const std::vector<GpuMapping>& layers, LaunchMode mode) {
  std::vector<std::vector<KernelTiming>> timing(layers.size());
  auto pass = [&](bool sustained) {
    double busy = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
      timing[i].clear();
      for (const auto& k : layers[i].kernels) {
        // Inside a CUDA graph every kernel is a node. On a stream (an op timed alone, eager launch)
        // the first kernel pays the op's launch and the later ones queue behind it (ATen's
        // separate launches) or are chained by their library; a cudaMemsetAsync there runs like a
        // small kernel (a memset node waits longer only inside a graph).
        const LaunchMode m = mode == LaunchMode::graph         ? LaunchMode::graph
                             : timing[i].empty()               ? mode
                             : library_chained(graph.ops()[i]) ? LaunchMode::graph
                                                               : LaunchMode::stream;
        Kernel timed = k;
        timed.memset = k.memset && mode == LaunchMode::graph;
        timing[i].push_back(time_kernel(spec, timed, m, sustained));
        busy += timing[i].back().seconds;
      }
    }
    return busy;
  };
  if (pass(false) > spec.power_window_s) pass(true);
  return timing;
}

// Every timing path ends here: a non-finite or negative time or energy is a bug in a kernel's
// model (a zero rate, an empty grid), reported with the op and kernel it came from.
void check_finite(const workloads::Op& op, const Kernel& k, const KernelTiming& t) {
  for (const auto& [what, v] :
       {std::pair{"time", t.seconds}, {"busy time", t.busy_seconds}, {"energy", t.energy_j}})
    if (!std::isfinite(v) || v < 0)
      throw SimulationError(
          fmt::format("internal error: op '{}' ({}): kernel '{}' has {} {} (expected finite, >= 0)", op.name,
                      op.describe(), k.name, what, v));
}

// Host time of each kernel of one op under PyTorch eager, by the path the op takes
// (software.eager.*): called from Python (inference, a training forward with autograd recording,
// the optimizer), or from autograd's engine (a training backward). A view or a fused op launches
// nothing and still costs its dispatch.
struct OpHost {
  double alone_s = 0;            // an op with no kernel
  std::vector<double> kernel_s;  // per kernel, the host time before its launch
};

OpHost eager_host(const SoftwareSpec& sw, const workloads::Op& op, const GpuMapping& m,
                  std::optional<workloads::training::Phase> phase) {
  using workloads::training::Phase;
  const EagerCosts& e = sw.eager;
  if (phase == Phase::backward) {
    // The engine evaluates the node and makes its library call once (backward_kernel_s, measured
    // on nodes of one kernel each); the further kernels of that call (cuDNN's transposes and
    // memsets, a split-K reduce) cost their launch only, as in the forward.
    OpHost h{e.backward_node_s, std::vector<double>(m.kernels.size(), e.extra_kernel_s)};
    if (!h.kernel_s.empty()) h.kernel_s.front() = e.backward_kernel_s;
    return h;
  }
  if (phase == Phase::forward || phase == Phase::recompute) {
    // Grad mode, modules in train(): the Python call and each ATen call the op makes; an autocast
    // cast runs inside the wrapped op's dispatch, with no Python call of its own.
    const double first = (autocast_cast(op) ? 0.0 : e.training_op_s) +
                         e.aten_call_s * static_cast<double>(training_aten_calls(op));
    OpHost h{first, std::vector<double>(m.kernels.size(), e.extra_kernel_s)};
    if (!h.kernel_s.empty()) h.kernel_s.front() = first;
    return h;
  }
  OpHost h{e.extra_kernel_s, std::vector<double>(m.kernels.size(), e.extra_kernel_s)};
  if (!h.kernel_s.empty())
    h.kernel_s.front() = op.get<workloads::GemmParams>()        ? e.gemm_s
                         : op.get<workloads::ConvParams>()      ? e.conv_s
                         : op.get<workloads::AttentionParams>() ? e.attention_s
                                                                : e.aten_op_s;
  return h;
}

// Eager launch: the host dispatches op after op (software.eager.*), each kernel enqueued when its
// share of the op's host time is done; the GPU starts a kernel at the later of its previous
// kernel's end and that enqueue, so where the host is slower than the kernels the GPU waits, idle.
// The wait is added to the kernel it delays (time and idle energy). `phases`: a training step's
// phase per op (empty: inference).
void apply_eager_dispatch(const GpuSpec& spec, const workloads::Graph& graph,
                          const std::vector<GpuMapping>& layers, const arch::OpPhases& phases,
                          std::vector<std::vector<KernelTiming>>& timing) {
  if (!phases.empty() && phases.size() != layers.size())
    throw SimulationError(fmt::format("internal error: {} training phases for a graph of {} ops",
                                      phases.size(), layers.size()));
  // The backward also evaluates an AccumulateGrad node per parameter (one that launches nothing:
  // zero_grad(set_to_none) leaves .grad empty, so the gradient is taken over), spread here over
  // the backward's ops, among which autograd interleaves them.
  using workloads::training::Phase;
  size_t parameters = 0, backward_ops = 0;
  for (size_t i = 0; i < phases.size(); ++i) {
    if (phases[i] == Phase::forward) parameters += graph.ops()[i].weights.size();
    if (phases[i] == Phase::backward) ++backward_ops;
  }
  const double accumulate_s = backward_ops
                                  ? spec.software.eager.backward_node_s * static_cast<double>(parameters) /
                                        static_cast<double>(backward_ops)
                                  : 0.0;
  double host = 0, gpu = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    const OpHost h = eager_host(spec.software, graph.ops()[i], layers[i],
                                phases.empty() ? std::nullopt : std::optional{phases[i]});
    if (!phases.empty() && phases[i] == Phase::backward) host += accumulate_s;
    if (h.kernel_s.empty()) host += h.alone_s;
    for (size_t j = 0; j < timing[i].size(); ++j) {
      host += h.kernel_s[j];
      const double start = std::max(gpu, host);
      const double wait = start - gpu;
      KernelTiming& t = timing[i][j];
      gpu = start + t.seconds;
      t.seconds += wait;
      t.host_wait_seconds = wait;
      t.energy_idle_j += spec.idle_w * wait;
      t.energy_j += spec.idle_w * wait;
    }
  }
}

}  // namespace

GpuFamily::GpuFamily() : schema_(make_schema()) {}

std::string_view GpuFamily::doc() const {
  return "GPU (SMs, tensor cores, L2, HBM); library-chosen kernels, waves, power-capped clock";
}

std::vector<std::string> GpuFamily::mappers() const {
  std::vector<std::string> names;
  for (const auto& m : mappers::gpu::mappers()) names.emplace_back(m.name);
  return names;
}

void GpuFamily::check(const config::Resolved& cfg) const { gpu::check(cfg); }

std::unique_ptr<const Mappings> GpuFamily::map(const config::Resolved& cfg, const workloads::Graph& graph,
                                               const MapOptions& options) const {
  const std::string mapper = options.mapper.empty() ? mappers().front() : options.mapper;
  const auto* entry = mappers::gpu::find_mapper(mapper);
  if (!entry)
    throw UsageError(fmt::format("--mapper: the gpu family has mappers {}, got '{}'",
                                 mappers::gpu::mapper_names(), options.mapper));
  const GpuSpec spec = make_spec(cfg);
  const bool whole_graph = graph.size() > 1;
  return std::make_unique<GpuMappings>(
      std::string(name()), mapper,
      mappers::gpu::map_graph(graph, spec, whole_graph && spec.fuse_epilogues, entry->runtime));
}

RunResult GpuFamily::evaluate(const config::Resolved& cfg, const workloads::Graph& graph,
                              const Mappings& mappings, const EvalOptions& options) const {
  const auto& layers = mappings_as<GpuMappings>(mappings, name()).layers();
  const GpuSpec spec = make_spec(cfg);
  // Eager: every kernel is launched on the stream as the host dispatches it (no CUDA events
  // around a lone launch, no graph).
  const bool eager = spec.software.launch == Launch::eager;
  const LaunchMode mode = eager              ? LaunchMode::stream
                          : graph.size() > 1 ? LaunchMode::graph
                                             : LaunchMode::isolated;
  std::vector<std::vector<KernelTiming>> timing = time_all(spec, graph, layers, mode);
  if (eager) apply_eager_dispatch(spec, graph, layers, options.phases, timing);
  // Cycle fidelity: the SystemC model re-times the busy part of every kernel at that clock
  // (one elaboration for the whole graph); fixed launch costs and energy rates are unchanged.
  std::vector<sc::ScKernelResult> cycle;
  if (options.fidelity == Fidelity::cycle) {
    std::vector<Kernel> all;
    std::vector<double> clocks;
    for (size_t i = 0; i < layers.size(); ++i)
      for (size_t j = 0; j < layers[i].kernels.size(); ++j) {
        all.push_back(layers[i].kernels[j]);
        clocks.push_back(timing[i][j].clock_hz);
      }
    cycle = sc::run_cycle_model(spec, all, clocks);
  }
  for (size_t i = 0; i < layers.size(); ++i)
    for (size_t j = 0; j < timing[i].size(); ++j)
      check_finite(graph.ops()[i], layers[i].kernels[j], timing[i][j]);
  RunResult result;
  size_t flat = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    const workloads::Op& op = graph.ops()[i];
    nlohmann::json kernels = nlohmann::json::array();
    for (auto& t : timing[i]) {
      const sc::ScKernelResult* c = cycle.empty() ? nullptr : &cycle[flat++];
      if (c) {
        with_busy_time(spec, t, c->busy_seconds);
        check_finite(op, layers[i].kernels[&t - timing[i].data()], t);
      }
      kernels.push_back(kernel_timing_json(t, c));
    }
    result.layers.push_back({op.name,
                             std::string(op.kind_name()),
                             op.describe(),
                             op_stats(spec, op, layers[i].kernels, timing[i]),
                             layers[i].to_json(),
                             {{"kernels", std::move(kernels)}}});
  }
  return result;
}

std::unique_ptr<const Mappings> GpuFamily::read_mappings(const std::string& mapper,
                                                         const nlohmann::json& layers, const nlohmann::json&,
                                                         const config::Resolved&,
                                                         const workloads::Graph& graph) const {
  std::vector<GpuMapping> mappings;
  for (size_t i = 0; i < layers.size(); ++i) {
    try {
      mappings.push_back(GpuMapping::from_json(layers[i]));
    } catch (const std::exception& e) {
      throw MappingError(fmt::format("layers[{}] ('{}'): {}", i, graph.ops()[i].name, e.what()));
    }
  }
  return std::make_unique<GpuMappings>(std::string(name()), mapper, std::move(mappings));
}

}  // namespace orrery::arch::gpu
