#include "sim/parallel/step_program.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

namespace orrery::sim::parallel {

using arch::interconnect::Collective;
using arch::interconnect::CollectiveKind;
using arch::interconnect::Task;

namespace {

// Pipeline sends are ordered by their dependencies only (stream -1), forward and backward alike.
constexpr int kComputeStream = 0, kDpStream = 1, kGatherStream = 4, kP2pStream = -1;

// A stage's work for one microbatch in one direction: compute pieces and the tensor-parallel
// collectives between them; `bucket_after` marks pieces that complete a gradient bucket.
struct Piece {
  bool comm = false;
  double seconds = 0;
  CollectiveKind kind = CollectiveKind::all_reduce;
  double bytes = 0;
  std::string what;
  double bucket_bytes = 0;  // > 0: a gradient bucket of this size is ready after this piece
  double gather_bytes = 0;  // > 0 (ZeRO-3): this unit's weights are all-gathered before the piece
};

bool keep(const Piece& p) { return p.comm || p.seconds > 0 || p.bucket_bytes > 0 || p.gather_bytes > 0; }

// Starts a piece that waits for unit u's gathered weights.
void start_gathered_piece(std::vector<Piece>& out, const Zero3Units& z, int u) {
  out.push_back({});
  out.back().gather_bytes = z.weight_bytes[static_cast<size_t>(u)];
}

std::vector<Piece> forward_pieces(const StageSpan& span, const StepCosts& c, const std::vector<TpComm>& comms,
                                  const Zero3Units* z) {
  std::vector<Piece> out(1);
  for (size_t i = span.first_op; i < span.end_op; ++i) {
    if (z && (i == span.first_op || z->unit_of[i] != z->unit_of[i - 1]))
      start_gathered_piece(out, *z, z->unit_of[i]);
    for (const auto& m : comms)
      if (m.op == i && m.before && m.forward) {
        out.push_back({true, 0, *m.forward, m.bytes, m.tensor, 0});
        out.push_back({});
      }
    out.back().seconds += c.forward_s[i];
    for (const auto& m : comms)
      if (m.op == i && !m.before && m.forward) {
        out.push_back({true, 0, *m.forward, m.bytes, m.tensor, 0});
        out.push_back({});
      }
  }
  std::erase_if(out, [](const Piece& p) { return !keep(p); });
  return out;
}

// Backward in reverse op order; with `buckets`, pieces also end where a gradient bucket fills
// (ZeRO-3: where a unit's backward ends).
std::vector<Piece> backward_pieces(const StageSpan& span, const StepCosts& c,
                                   const std::vector<TpComm>& comms, bool buckets, const Zero3Units* z) {
  std::vector<Piece> out(1);
  double pending = 0;
  for (size_t i = span.end_op; i-- > span.first_op;) {
    if (z && (i + 1 == span.end_op || z->unit_of[i] != z->unit_of[i + 1]))
      start_gathered_piece(out, *z, z->unit_of[i]);
    for (const auto& m : comms)
      if (m.op == i && !m.before && m.backward) {
        out.push_back({true, 0, *m.backward, m.bytes, m.tensor, 0});
        out.push_back({});
      }
    out.back().seconds += c.backward_s[i];
    if (buckets && i < c.grad_bytes.size()) {
      pending += c.grad_bytes[i];
      const bool unit_done = z && (i == span.first_op || z->unit_of[i] != z->unit_of[i - 1]);
      if (z ? unit_done && pending > 0 : pending >= c.bucket_bytes) {
        out.back().bucket_bytes = pending;
        pending = 0;
        out.push_back({});
      }
    }
    for (const auto& m : comms)
      if (m.op == i && m.before && m.backward) {
        out.push_back({true, 0, *m.backward, m.bytes, m.tensor, 0});
        out.push_back({});
      }
  }
  if (buckets && pending > 0) {
    if (out.back().comm) out.push_back({});
    out.back().bucket_bytes = pending;
  }
  std::erase_if(out, [](const Piece& p) { return !keep(p); });
  return out;
}

struct Builder {
  const Strategy& s;
  const StepCosts& c;
  const std::vector<TpComm>& comms;
  const std::vector<StageSpan>& stages;
  // Data-parallel replicas and tensor-parallel ranks given tasks (see build_step_program).
  int64_t replicas, tp_ranks;
  StepProgram out;
  // Last task of (stage, microbatch, phase) per device, for cross-stage dependencies.
  std::map<std::tuple<int64_t, int64_t, char, int64_t>, size_t> last;
  std::vector<std::vector<size_t>> buckets_of_device;  // DP tasks per device (training)
  Zero3Units units;

  size_t add(Task t, int64_t stage, int64_t mb, char phase) {
    out.tags.push_back({stage, mb, phase});
    return out.program.add(std::move(t));
  }

  // The device stage that runs model chunk `chunk` (Megatron's interleaving: chunk k on stage k mod P).
  int64_t stage_of(int64_t chunk) const { return chunk % s.pp; }

  // Chunk `ch` of the model (a stage when there is no interleaving) runs `phase` of microbatch mb
  // on its stage's devices, after receiving from the neighbouring chunk.
  void item(int64_t ch, char phase, int64_t mb, bool final_backward) {
    const bool fwd = phase == 'F';
    const int64_t st = stage_of(ch);
    const Zero3Units* z = s.zero == 3 && s.dp > 1 ? &units : nullptr;
    const auto pieces = fwd ? forward_pieces(stages[ch], c, comms, z)
                            : backward_pieces(stages[ch], c, comms, final_backward && s.dp > 1, z);
    const int64_t from = fwd ? ch - 1 : ch + 1;
    const bool receives = fwd ? ch > 0 : ch + 1 < static_cast<int64_t>(stages.size());
    // The last task of each (dp rank, tp rank) device of the stage; pieces run outermost so that a
    // collective over the data-parallel group is emitted once every rank has reached it.
    const auto at = [&](int64_t d, int64_t t) { return static_cast<size_t>(d * s.tp + t); };
    std::vector<std::optional<size_t>> prev(static_cast<size_t>(s.dp * s.tp));
    if (receives) {
      const double bytes = stages[fwd ? from : ch].send_bytes;
      const int64_t src = stage_of(from);
      for (int64_t d = 0; d < replicas; ++d)
        for (int64_t t = 0; t < tp_ranks; ++t) {
          Task p;
          p.name = fmt::format("{} mb{} stage{}->{}", fwd ? "activations" : "activation grads", mb, src, st);
          if (s.virtual_stages > 1) p.name += fmt::format(" (chunk{}->{})", from, ch);
          p.category = "pp";
          p.stream = kP2pStream;
          p.is_collective = true;
          p.collective =
              Collective{CollectiveKind::send_recv, bytes, {s.device(src, d, t), s.device(st, d, t)}};
          p.deps = {last.at({from, mb, phase, s.device(src, d, t)})};
          prev[at(d, t)] = add(std::move(p), st, mb, fwd ? 'P' : 'Q');
        }
    }
    for (const Piece& piece : pieces) {
      if (piece.comm) {
        if (s.tp == 1) continue;
        for (int64_t d = 0; d < replicas; ++d) {
          Task t;
          t.name = fmt::format("tp {} {} mb{}", to_string(piece.kind), piece.what, mb);
          t.category = "tp";
          t.stream = kComputeStream;
          t.is_collective = true;
          t.collective = Collective{piece.kind, piece.bytes, s.tp_group(st, d)};
          const size_t id = add(std::move(t), st, mb, phase);
          for (int64_t r = 0; r < tp_ranks; ++r) prev[at(d, r)] = id;
        }
        continue;
      }
      std::vector<std::optional<size_t>> gathered(static_cast<size_t>(s.tp));
      if (z && piece.gather_bytes > 0)
        for (int64_t t = 0; t < tp_ranks; ++t)
          gathered[static_cast<size_t>(t)] = gather(st, t, piece.gather_bytes, prev, mb);
      for (int64_t d = 0; d < replicas; ++d) {
        std::vector<size_t> done(static_cast<size_t>(s.tp));
        for (int64_t t = 0; t < tp_ranks; ++t) {
          Task k;
          k.name = fmt::format("{} stage{} mb{}", fwd ? "forward" : "backward", st, mb);
          if (s.virtual_stages > 1) k.name += fmt::format(" chunk{}", ch);
          k.category = fwd ? "forward" : "backward";
          k.stream = kComputeStream;
          k.device = s.device(st, d, t);
          k.seconds = piece.seconds;
          if (prev[at(d, t)]) k.deps.push_back(*prev[at(d, t)]);
          if (gathered[static_cast<size_t>(t)]) k.deps.push_back(*gathered[static_cast<size_t>(t)]);
          done[static_cast<size_t>(t)] = add(std::move(k), st, mb, phase);
          prev[at(d, t)] = done[static_cast<size_t>(t)];
        }
        if (piece.bucket_bytes > 0)
          for (int64_t t = 0; t < tp_ranks; ++t) bucket(st, t, d, piece.bucket_bytes, done);
      }
    }
    for (int64_t d = 0; d < replicas; ++d)
      for (int64_t t = 0; t < tp_ranks; ++t)
        if (prev[at(d, t)]) last[{ch, mb, phase, s.device(st, d, t)}] = *prev[at(d, t)];
  }

  // ZeRO-3: a unit's weights gathered over the data-parallel group of tp rank t, at most one unit
  // ahead: the gather waits for the compute that ran before the previous unit's gather (FSDP's
  // backward prefetch; its forward gathers likewise run under the previous unit's compute).
  std::map<std::pair<int64_t, int64_t>, std::vector<size_t>> fence;  // (stage, tp rank) -> per dp rank
  size_t gather(int64_t st, int64_t t, double bytes, const std::vector<std::optional<size_t>>& prev,
                int64_t mb) {
    Task g;
    g.name = fmt::format("dp zero3 all_gather weights mb{} ({:.1f} MB)", mb, bytes / 1e6);
    g.category = "dp";
    g.stream = kGatherStream;
    g.is_collective = true;
    g.collective = Collective{CollectiveKind::all_gather, bytes, s.dp_group(st, t)};
    auto& f = fence[{st, t}];
    g.deps = f;
    f.clear();
    for (int64_t d = 0; d < replicas; ++d)
      if (const auto& p = prev[static_cast<size_t>(d * s.tp + t)]) f.push_back(*p);
    return add(std::move(g), st, mb, 'D');
  }

  // A gradient bucket's reduction over the data-parallel group, issued once (by dp rank 0's
  // builder pass) when every rank of the group has finished the piece that fills it.
  std::map<std::tuple<int64_t, int64_t, size_t>, std::vector<size_t>> ready;  // (stage, tp, nth) -> tasks
  std::map<std::pair<int64_t, int64_t>, size_t> nth;
  void bucket(int64_t st, int64_t t, int64_t d, double bytes, const std::vector<size_t>& done) {
    const size_t k = nth[{st, t * s.dp + d}]++;
    auto& r = ready[{st, t, k}];
    r.push_back(done[t]);
    if (static_cast<int64_t>(r.size()) < replicas) return;
    Task b;
    b.name = fmt::format("dp {} bucket{} ({:.1f} MB)", s.zero >= 1 ? "reduce_scatter" : "all_reduce", k,
                         bytes / 1e6);
    b.category = "dp";
    b.stream = kDpStream;
    b.is_collective = true;
    b.collective = Collective{s.zero >= 1 ? CollectiveKind::reduce_scatter : CollectiveKind::all_reduce,
                              bytes, s.dp_group(st, t)};
    b.deps = r;
    const size_t id = add(std::move(b), st, -1, 'D');
    for (int64_t dd = 0; dd < replicas; ++dd) buckets_of_device[s.device(st, dd, t)].push_back(id);
  }

  // A tied weight's gradient, summed between the stage owning it and the stage holding its copy,
  // per (dp, tp) rank, once both stages' last backward and their data-parallel reductions are
  // done (Megatron's embedding all-reduce); the optimizer waits for it.
  void tie_reductions() {
    const int64_t m = s.microbatches;
    for (const StageTie& tie : c.ties)
      for (int64_t d = 0; d < replicas; ++d)
        for (int64_t t = 0; t < tp_ranks; ++t) {
          const int64_t a = s.device(tie.owner, d, t), u = s.device(tie.user, d, t);
          Task r;
          r.name = fmt::format("pp all_reduce tied weight grads stage{}<->{}", tie.owner, tie.user);
          r.category = "pp";
          r.stream = kDpStream;
          r.is_collective = true;
          r.collective = Collective{CollectiveKind::all_reduce, 4.0 * static_cast<double>(tie.numel), {a, u}};
          r.deps = {last.at({tie.owner, m - 1, 'B', a}), last.at({tie.user, m - 1, 'B', u})};
          for (const int64_t dev : {a, u})
            r.deps.insert(r.deps.end(), buckets_of_device[dev].begin(), buckets_of_device[dev].end());
          const size_t id = add(std::move(r), tie.user, -1, 'T');
          buckets_of_device[a].push_back(id);
          buckets_of_device[u].push_back(id);
        }
  }

  // fp32 bytes of the tied copies stage `st` holds.
  double tied_copy_bytes(int64_t st) const { return 4.0 * static_cast<double>(tied_copy_numel(c.ties, st)); }

  // fp32 bytes of the weights stage `st` holds: its chunks' ops and its tied copies.
  double stage_weight_bytes(int64_t st) const {
    double w = tied_copy_bytes(st);
    for (size_t ch = static_cast<size_t>(st); ch < stages.size(); ch += static_cast<size_t>(s.pp))
      for (size_t i = stages[ch].first_op; i < stages[ch].end_op && i < c.weight_bytes.size(); ++i)
        w += c.weight_bytes[i];
    return w;
  }

  void optimizer() {
    const double shard = s.zero >= 1 ? 1.0 / static_cast<double>(s.dp) : 1.0;
    double all = 0;  // optimizer_s covers every op's weights once; a tied copy adds its share
    for (const double w : c.weight_bytes) all += w;
    for (int64_t st = 0; st < s.pp; ++st) {
      const double weights = stage_weight_bytes(st);
      const double share = all > 0 ? weights / all : 1.0 / static_cast<double>(s.pp);
      for (int64_t d = 0; d < replicas; ++d)
        for (int64_t t = 0; t < tp_ranks; ++t) {
          const int64_t dev = s.device(st, d, t);
          Task o;
          o.name = "optimizer";
          o.category = "optimizer";
          o.device = dev;
          o.seconds = c.optimizer_s * share * shard;
          o.deps = buckets_of_device[dev];
          last[{st, -1, 'O', dev}] = add(std::move(o), st, -1, 'O');
        }
      // ZeRO: each rank updated its shard; the others get it by an all-gather.
      if ((s.zero == 1 || s.zero == 2) && s.dp > 1)
        for (int64_t t = 0; t < tp_ranks; ++t) {
          Task g;
          g.name = "dp all_gather updated weights";
          g.category = "dp";
          g.stream = kDpStream;
          g.is_collective = true;
          g.collective = Collective{CollectiveKind::all_gather, weights, s.dp_group(st, t)};
          for (int64_t d = 0; d < replicas; ++d) g.deps.push_back(last.at({st, -1, 'O', s.device(st, d, t)}));
          add(std::move(g), st, -1, 'D');
        }
    }
  }
};

}  // namespace

Zero3Units zero3_units(const StepCosts& c, const std::vector<StageSpan>& stages) {
  Zero3Units z;
  z.unit_of.assign(c.forward_s.size(), -1);
  for (const StageSpan& span : stages) {
    double open = 0;
    for (size_t i = span.first_op; i < span.end_op && i < z.unit_of.size(); ++i) {
      if (i == span.first_op || open >= c.bucket_bytes) {
        z.weight_bytes.push_back(0);
        z.grad_bytes.push_back(0);
        open = 0;
      }
      z.unit_of[i] = static_cast<int>(z.weight_bytes.size()) - 1;
      const double w = i < c.weight_bytes.size() ? c.weight_bytes[i] : 0.0;
      z.weight_bytes.back() += w;
      z.grad_bytes.back() += i < c.grad_bytes.size() ? c.grad_bytes[i] : 0.0;
      open += w;
    }
  }
  return z;
}

int64_t warmup_forwards(const Strategy& s, int64_t stage) {
  const int64_t p = s.pp, m = s.microbatches, v = s.virtual_stages;
  if (s.schedule == Schedule::gpipe) return m;
  if (v == 1) return std::min(p - 1 - stage, m);
  return m == p ? m * v : std::min((p - stage - 1) * 2 + (v - 1) * p, m * v);
}

std::vector<std::vector<ScheduledItem>> pipeline_order(const Strategy& s, bool training) {
  const int64_t p = s.pp, m = s.microbatches, v = s.virtual_stages, total = m * v;
  std::vector<std::vector<ScheduledItem>> order(static_cast<size_t>(p));
  for (int64_t st = 0; st < p; ++st) {
    auto& o = order[static_cast<size_t>(st)];
    // Megatron's order: the k-th chunk forward of this stage is local chunk (k mod PV) / P of
    // microbatch (k / PV) P + k mod P (without interleaving: chunk st, microbatch k); backwards walk
    // the chunks in reverse. The warm-up forwards, then one forward one backward, then the drain.
    const auto nth = [&](int64_t k, bool forward) {
      const int64_t local = (k % (p * v)) / p;
      const int64_t chunk = (forward ? local : v - 1 - local) * p + st;
      return ScheduledItem{forward ? 'F' : 'B', chunk, (k / (p * v)) * p + k % p};
    };
    const int64_t warm = training ? warmup_forwards(s, st) : total;
    for (int64_t k = 0; k < warm; ++k) o.push_back(nth(k, true));
    if (!training) continue;
    for (int64_t k = 0; k < total - warm; ++k) {
      o.push_back(nth(warm + k, true));
      o.push_back(nth(k, false));
    }
    for (int64_t k = total - warm; k < total; ++k) o.push_back(nth(k, false));
  }
  return order;
}

StepProgram build_step_program(const Strategy& s, const StepCosts& c, const std::vector<TpComm>& comms,
                               const std::vector<StageSpan>& stages, SimulatedRanks ranks) {
  const auto chunks = static_cast<int64_t>(stages.size());
  if (chunks != s.pp * s.virtual_stages)
    throw std::logic_error(
        fmt::format("step program: {} model chunks for pp={} x virtual={}", chunks, s.pp, s.virtual_stages));
  const int64_t replicas = ranks.replicas, tp_ranks = ranks.tp_ranks;
  if (replicas < 1 || replicas > s.dp || tp_ranks < 1 || tp_ranks > s.tp)
    throw std::logic_error(fmt::format("step program: {} replicas of dp={}, {} ranks of tp={} simulated",
                                       replicas, s.dp, tp_ranks, s.tp));
  Builder b{s, c, comms, stages, replicas, tp_ranks, {}, {}, {}, zero3_units(c, stages), {}, {}, {}};
  b.out.program.devices = s.devices();
  b.buckets_of_device.resize(s.devices());
  const bool training = !c.backward_s.empty();
  const int64_t m = s.microbatches;
  const auto order = pipeline_order(s, training);
  // Emit items so that every cross-chunk dependency is emitted first.
  std::vector<size_t> next(order.size(), 0);
  for (bool progress = true; progress;) {
    progress = false;
    for (int64_t st = 0; st < s.pp; ++st)
      while (next[st] < order[st].size()) {
        const auto [phase, ch, j] = order[st][next[st]];
        const bool ok =
            phase == 'F'
                ? (ch == 0 || b.last.count({ch - 1, j, 'F', s.device(b.stage_of(ch - 1), 0, 0)}))
                : (ch == chunks - 1 || b.last.count({ch + 1, j, 'B', s.device(b.stage_of(ch + 1), 0, 0)}));
        if (!ok) break;
        b.item(ch, phase, j, phase == 'B' && j == m - 1);
        ++next[st];
        progress = true;
      }
  }
  for (int64_t st = 0; st < s.pp; ++st)
    if (next[st] < order[st].size())
      throw std::logic_error(
          fmt::format("step program: stage {} stuck at item {} of its schedule", st, next[st]));
  if (training) {
    b.tie_reductions();
    b.optimizer();
  }
  return std::move(b.out);
}

}  // namespace orrery::sim::parallel
