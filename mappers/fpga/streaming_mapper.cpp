#include "mappers/fpga/streaming_mapper.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <variant>

#include "common/checked_math.hpp"
#include "common/error.hpp"

namespace orrery::mappers::fpga {

using arch::fpga::Folding;
using arch::fpga::Resources;
using arch::fpga::StageKind;
using arch::fpga::StageShape;
using arch::fpga::WeightStore;
using workloads::Op;

namespace {

// The smallest divisor of n above `current`, if any.
std::optional<int64_t> next_divisor(int64_t n, int64_t current) {
  for (int64_t d = current + 1; d <= n; ++d)
    if (n % d == 0) return d;
  return std::nullopt;
}

// A stage's shape, one overload per op kind (a kind without one does not compile); nullopt for
// the kinds the engine has no stage for.
struct StageShapeOf {
  const Op& op;
  StageShape s;  // dtype widths set
  int64_t images;
  int64_t prev_out_h;

  std::optional<StageShape> operator()(const workloads::ConvParams& p) {
    if (p.transposed)
      throw WorkloadError(
          fmt::format("{}: not supported yet: transposed conv on the streaming engine", op.name));
    const auto o = p.out();
    s.kind = StageKind::matrix;
    s.images = p.n;
    s.c_in_g = p.c_in / p.groups;
    s.c_out = p.c_out;
    s.kernel = p.kernel_volume();
    s.kernel_h = p.kernel[1];
    s.out_pixels = p.out_pixels();
    s.in_h = p.in[0] * p.in[1];
    s.in_w = p.in[2];
    s.in_c = p.c_in;
    s.out_h = o[0] * o[1];
    s.stride_h = p.stride[1];
    s.pad_top = p.pad_begin[1];
    s.weights = p.c_out * s.c_in_g * s.kernel;
    return s;
  }
  std::optional<StageShape> operator()(const workloads::GemmParams& p) {
    if (!p.b_is_weight)
      throw WorkloadError(fmt::format(
          "{}: not supported yet: activation x activation matmul on the streaming engine", op.name));
    s.kind = StageKind::matrix;
    s.images = p.batch;
    s.c_in_g = p.k;
    s.c_out = p.n;
    s.out_pixels = p.m;
    s.in_c = p.k;
    s.weights = p.k * p.n;
    s.whole_input = true;
    return s;
  }
  std::optional<StageShape> operator()(const workloads::PoolParams& p) {
    misc();
    const auto o = p.out();
    s.images = p.n;
    s.c_out = p.c;
    s.elements = p.c * p.in[0] * p.in[1] * p.in[2];
    s.kernel_h = p.kernel[1];
    s.in_h = p.in[0] * p.in[1];
    s.in_w = p.in[2];
    s.in_c = p.c;
    s.out_h = o[0] * o[1];
    s.stride_h = p.stride[1];
    s.pad_top = p.pad_begin[1];
    s.whole_input = s.out_h == 1 && s.kernel_h >= s.in_h;
    return s;
  }
  std::optional<StageShape> operator()(const workloads::ElementwiseParams& p) {
    return streamed(p.numel, false);
  }
  std::optional<StageShape> operator()(const workloads::DataMovementParams& p) {
    return streamed(p.out_numel, false);
  }
  std::optional<StageShape> operator()(const workloads::ReduceParams& p) {
    return streamed(p.in_numel, true);
  }
  std::optional<StageShape> operator()(const workloads::SoftmaxParams& p) {
    return streamed(p.rows * p.cols, true);
  }
  std::optional<StageShape> operator()(const workloads::NormParams&) { return std::nullopt; }
  std::optional<StageShape> operator()(const workloads::AttentionParams&) { return std::nullopt; }
  std::optional<StageShape> operator()(const workloads::EmbeddingParams&) { return std::nullopt; }
  // spmm: a sparse row-wise gather (one nonzero per cycle, features across coarse_out lanes);
  // the stage holds its input X (the gather buffer) and the CSR arrays on chip. A batch is that
  // many disjoint graphs (a block-diagonal A): each image aggregates its own share.
  std::optional<StageShape> operator()(const workloads::SpmmParams& p) {
    const int64_t nnz = ceil_div(p.nnz, images), rows = ceil_div(p.rows, images);
    const int64_t cols = ceil_div(p.cols, images);
    s.kind = StageKind::matrix;
    s.sparse_gather = true;
    s.images = images;
    s.c_in_g = 1;
    s.kernel = 1;
    s.c_out = p.features;
    s.out_pixels = nnz;
    s.in_h = cols;
    s.in_c = p.features;
    s.out_h = rows;
    s.weights = checked_mul(cols, p.features, op.name + ": gather buffer");
    s.index_words = 2 * nnz + rows + 1;
    s.whole_input = true;  // any output row may gather any row of X
    return s;
  }
  std::optional<StageShape> operator()(const workloads::LoopNestOpParams&) { return std::nullopt; }
  std::optional<StageShape> operator()(const workloads::CrossEntropyParams&) { training(); }
  std::optional<StageShape> operator()(const workloads::OptimizerParams&) { training(); }

  [[noreturn]] void training() const {
    throw WorkloadError(
        fmt::format("{}: not supported yet: training on FPGA overlays or streaming pipelines", op.name));
  }

  // A misc stage streams row by row behind its producer.
  void misc() {
    s.kind = StageKind::misc;
    s.images = images;
    s.out_h = std::max<int64_t>(1, prev_out_h);
    s.in_h = s.out_h;
  }
  // A misc stage over `numel` elements of the whole batch; `whole` if it needs all its input
  // before its first output (a reduction).
  std::optional<StageShape> streamed(int64_t numel, bool whole) {
    misc();
    s.elements = std::max<int64_t>(1, numel / images);
    s.c_out = s.elements;
    if (whole) {
      s.whole_input = true;
      s.out_h = 1;
    }
    return s;
  }
};

std::optional<StageShape> shape_of(const Op& op, int64_t batch, int64_t prev_out_h) {
  StageShape s;
  s.a_bits = s.w_bits = workloads::dtype_bits(op.dtype);
  StageShapeOf shape{op, s, std::max<int64_t>(1, batch), prev_out_h};
  // The stages are inference datapaths: no gradient, loss or update ops.
  if (workloads::is_training_op(op)) shape.training();
  return std::visit(shape, op.params);
}

// True for ops a streaming design folds into the stage that produces their input.
bool fuses_into_producer(const Op& op) {
  using namespace workloads;
  if (const auto* p = op.get<ElementwiseParams>()) {
    const auto* fn = find_elementwise(p->fn);
    return fn && fn->arity <= 1;
  }
  if (const auto* p = op.get<NormParams>()) return p->type == NormParams::Type::batch;
  if (const auto* p = op.get<DataMovementParams>()) return p->is_view();
  return false;
}

bool fits_in(const Resources& r, const Resources& budget) {
  return r.dsp <= budget.dsp && r.lut <= budget.lut && r.ff <= budget.ff && r.bram36 <= budget.bram36 &&
         r.uram <= budget.uram;
}

// The largest fraction of any budget that `delta` consumes.
double scarcest(const Resources& delta, const Resources& budget) {
  auto f = [](double d, double b) { return d <= 0 ? 0.0 : (b > 0 ? d / b : 1e9); };
  return std::max({f(delta.dsp, budget.dsp), f(delta.lut, budget.lut), f(delta.ff, budget.ff),
                   f(delta.bram36, budget.bram36), f(delta.uram, budget.uram)});
}

Resources minus(Resources a, const Resources& b) {
  a.dsp -= b.dsp;
  a.lut -= b.lut;
  a.ff -= b.ff;
  a.bram36 -= b.bram36;
  a.uram -= b.uram;
  return a;
}

}  // namespace

StreamingMapping build_pipeline(const workloads::Graph& graph, const arch::fpga::FpgaSpec& spec,
                                int64_t batch) {
  StreamingMapping m;
  const auto& st = spec.streaming;
  m.batch = std::max<int64_t>(1, batch);
  m.fifo_depth_rows = st.fifo_depth_rows;
  m.available = spec.device.available;
  m.budget = {m.available.dsp * st.max_utilization, m.available.lut * st.max_utilization,
              m.available.ff * st.max_utilization, m.available.bram36 * st.max_utilization,
              m.available.uram * st.max_utilization};
  const int64_t images = m.batch;

  // Stages, in graph order.
  int64_t prev_out_h = 1;
  for (size_t i = 0; i < graph.size(); ++i) {
    const Op& op = graph.ops()[i];
    if (workloads::is_training_op(op)) (void)shape_of(op, images, prev_out_h);  // throws: not supported
    if (fuses_into_producer(op) && !m.stages.empty()) {
      m.stages.back().fused_ops.push_back(i);
      continue;
    }
    auto shape = shape_of(op, images, prev_out_h);
    if (!shape)
      throw WorkloadError(
          fmt::format("{}: not supported yet: {} ops on the FPGA streaming engine", op.name, op.kind_name()));
    StreamingStage s;
    s.name = op.name;
    s.op_index = i;
    s.shape = *shape;
    s.macs_per_image = op.macs() / std::max<int64_t>(1, s.shape.images);
    s.cost = arch::fpga::stage_cost(s.shape, s.folding, st, s.store);
    prev_out_h = s.shape.out_h;
    m.stages.push_back(std::move(s));
  }
  if (graph.size() == 0) return m;  // an empty workload: no stage, no traffic
  if (m.stages.empty())
    throw WorkloadError(fmt::format("{}: no op to map onto the streaming engine", graph.name()));

  // Off-chip traffic: the first op's activations in, the last op's result out.
  const Op& first = graph.ops().front();
  const Op& last = graph.ops().back();
  for (const auto& t : first.inputs) m.dma_in_bytes_per_image += workloads::storage_bytes(t.numel(), t.dtype);
  for (const auto& t : last.outputs)
    m.dma_out_bytes_per_image += workloads::storage_bytes(t.numel(), t.dtype);
  m.dma_in_bytes_per_image = ceil_div(m.dma_in_bytes_per_image, images);
  m.dma_out_bytes_per_image = ceil_div(m.dma_out_bytes_per_image, images);
  const double bytes_per_cycle = spec.memory_bytes_per_cycle();
  m.bytes_per_cycle = bytes_per_cycle;
  m.dma_in_cycles =
      static_cast<int64_t>(std::ceil(static_cast<double>(m.dma_in_bytes_per_image) / bytes_per_cycle));
  m.dma_out_cycles =
      static_cast<int64_t>(std::ceil(static_cast<double>(m.dma_out_bytes_per_image) / bytes_per_cycle));
  for (const auto& s : m.stages) m.used += s.cost.resources();
  return m;
}

namespace {

// Weights that overflow the BRAM budget move to URAM, biggest BRAM users first.
void move_weights_to_uram(StreamingMapping& m, const arch::fpga::StreamingSpec& st) {
  if (m.used.bram36 <= m.budget.bram36 || m.available.uram <= 0) return;
  std::vector<size_t> order(m.stages.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return m.stages[a].cost.bram36 > m.stages[b].cost.bram36; });
  for (size_t i : order) {
    if (m.used.bram36 <= m.budget.bram36) break;
    auto& s = m.stages[i];
    if (s.shape.kind != StageKind::matrix) continue;
    const auto moved = arch::fpga::stage_cost(s.shape, s.folding, st, WeightStore::uram);
    if (m.used.uram - s.cost.uram + moved.uram > m.budget.uram) continue;
    m.used = minus(m.used, s.cost.resources());
    m.used += moved.resources();
    s.cost = moved;
    s.store = WeightStore::uram;
  }
}

// Weights that still overflow the on-chip budget stream from off-chip memory: the stages that
// reuse their weights least (fewest output pixels per image: the fully connected layers) first,
// the biggest first among equals, until BRAM and URAM fit.
void move_weights_to_ddr(StreamingMapping& m, const arch::fpga::StreamingSpec& st) {
  auto over = [&] { return m.used.bram36 > m.budget.bram36 || m.used.uram > m.budget.uram; };
  if (!st.weights_from_ddr || !over()) return;
  std::vector<size_t> order;
  for (size_t i = 0; i < m.stages.size(); ++i)
    if (m.stages[i].shape.kind == StageKind::matrix) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto &x = m.stages[a].shape, &y = m.stages[b].shape;
    return x.out_pixels != y.out_pixels ? x.out_pixels < y.out_pixels : x.weights > y.weights;
  });
  for (size_t i : order) {
    if (!over()) break;
    auto& s = m.stages[i];
    const auto moved = arch::fpga::stage_cost(s.shape, s.folding, st, WeightStore::ddr);
    m.used = minus(m.used, s.cost.resources());
    m.used += moved.resources();
    s.cost = moved;
    s.store = WeightStore::ddr;
  }
  m.refresh_weight_stream();
}

// One greedy step's best move for the bottleneck stage `s`: the next divisor of one folding
// factor (and the weight store) that buys the most cycles per unit of the scarcest resource
// while the design stays within the budget; nullopt if none does.
struct Candidate {
  Folding folding;
  WeightStore store;
  arch::fpga::StageCost cost;
  double score;
};
std::optional<Candidate> best_unfolding(const StreamingMapping& m, const StreamingStage& s,
                                        const arch::fpga::StreamingSpec& st) {
  std::optional<Candidate> best;
  auto consider = [&](Folding f) {
    for (WeightStore store : {s.store, WeightStore::uram}) {
      if (store == WeightStore::uram &&
          (m.available.uram <= 0 || s.shape.kind != StageKind::matrix || s.store == WeightStore::ddr))
        continue;
      const auto cost = arch::fpga::stage_cost(s.shape, f, st, store);
      if (cost.cycles_per_image >= s.cost.cycles_per_image) return;
      Resources after = minus(m.used, s.cost.resources());
      after += cost.resources();
      if (!fits_in(after, m.budget)) continue;
      const double gain = static_cast<double>(s.cost.cycles_per_image - cost.cycles_per_image) /
                          static_cast<double>(s.cost.cycles_per_image);
      const double price = scarcest(minus(cost.resources(), s.cost.resources()), m.budget) + 1e-9;
      const double score = gain / price;
      if (!best || score > best->score) best = Candidate{f, store, cost, score};
      return;
    }
  };
  const Folding f0 = s.folding;
  if (auto d = next_divisor(arch::fpga::max_coarse_in(s.shape), f0.coarse_in))
    consider({*d, f0.coarse_out, f0.fine});
  if (auto d = next_divisor(arch::fpga::max_coarse_out(s.shape), f0.coarse_out))
    consider({f0.coarse_in, *d, f0.fine});
  if (auto d = next_divisor(arch::fpga::max_fine(s.shape), f0.fine))
    consider({f0.coarse_in, f0.coarse_out, *d});
  return best;
}

// Greedy unfolding of the bottleneck stage until it cannot unfold or the DMA is the bottleneck.
void unfold_bottlenecks(StreamingMapping& m, const arch::fpga::StreamingSpec& st) {
  for (;;) {
    size_t b = 0;
    for (size_t i = 1; i < m.stages.size(); ++i)
      if (m.stages[i].cost.cycles_per_image > m.stages[b].cost.cycles_per_image) b = i;
    auto& s = m.stages[b];
    if (std::max({m.dma_in_cycles, m.dma_out_cycles, m.ddr_cycles}) >= s.cost.cycles_per_image) {
      m.stop_reason = "off-chip bandwidth (DMA stage) is the bottleneck";
      return;
    }
    const auto best = best_unfolding(m, s, st);
    if (!best) {
      m.stop_reason = fmt::format("bottleneck stage '{}' cannot unfold further within the budget", s.name);
      return;
    }
    m.used = minus(m.used, s.cost.resources());
    m.used += best->cost.resources();
    s.folding = best->folding;
    s.store = best->store;
    s.cost = best->cost;
    ++m.greedy_steps;
  }
}

}  // namespace

StreamingMapping map_streaming(const workloads::Graph& graph, const arch::fpga::FpgaSpec& spec,
                               int64_t batch) {
  StreamingMapping m = build_pipeline(graph, spec, batch);
  if (m.stages.empty()) {  // an empty workload: no stage to fold
    m.stop_reason = "no layers";
    return m;
  }
  move_weights_to_uram(m, spec.streaming);
  move_weights_to_ddr(m, spec.streaming);
  if (!fits_in(m.used, m.available)) {
    m.fits = false;
    m.stop_reason = "the fully folded design does not fit the device";
    return m;
  }
  // Fits the device but not the headroom: unfold without growing the resources already over it.
  m.budget.dsp = std::max(m.budget.dsp, m.used.dsp);
  m.budget.lut = std::max(m.budget.lut, m.used.lut);
  m.budget.ff = std::max(m.budget.ff, m.used.ff);
  m.budget.bram36 = std::max(m.budget.bram36, m.used.bram36);
  m.budget.uram = std::max(m.budget.uram, m.used.uram);
  unfold_bottlenecks(m, spec.streaming);
  m.fits = true;
  return m;
}

void apply_stage_choice(StreamingMapping& m, size_t stage, const Folding& folding, WeightStore store,
                        const arch::fpga::StreamingSpec& st) {
  auto& s = m.stages.at(stage);
  const auto check = [&](const char* factor, int64_t v, int64_t max) {
    if (v < 1 || v > max)
      throw MappingError(fmt::format("stage '{}': folding.{} = {}: expected 1..{}", s.name, factor, v, max));
  };
  check("coarse_in", folding.coarse_in, arch::fpga::max_coarse_in(s.shape));
  check("coarse_out", folding.coarse_out, arch::fpga::max_coarse_out(s.shape));
  check("fine", folding.fine, arch::fpga::max_fine(s.shape));
  if (store != WeightStore::bram && s.shape.kind != StageKind::matrix)
    throw MappingError(fmt::format("stage '{}': weights_in: {}: a misc stage holds no weights", s.name,
                                   arch::fpga::to_string(store)));
  m.used = minus(m.used, s.cost.resources());
  s.folding = folding;
  s.store = store;
  s.cost = arch::fpga::stage_cost(s.shape, folding, st, store);
  m.used += s.cost.resources();
  m.fits = fits_in(m.used, m.available);
  m.refresh_weight_stream();
}

}  // namespace orrery::mappers::fpga
