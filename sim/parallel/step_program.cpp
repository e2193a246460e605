#include "sim/parallel/step_program.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace orrery::sim::parallel {

using arch::interconnect::Collective;
using arch::interconnect::CollectiveKind;
using arch::interconnect::Task;

namespace {

// Pipeline sends are ordered by their dependencies only (stream -1), forward and backward alike.
constexpr int kComputeStream = 0, kDpStream = 1, kP2pStream = -1;

// A stage's work for one microbatch in one direction: compute pieces and the tensor-parallel
// collectives between them; `bucket_after` marks pieces that complete a gradient bucket.
struct Piece {
  bool comm = false;
  double seconds = 0;
  CollectiveKind kind = CollectiveKind::all_reduce;
  double bytes = 0;
  std::string what;
  double bucket_bytes = 0;  // > 0: a gradient bucket of this size is ready after this piece
};

std::vector<Piece> forward_pieces(const StageSpan& span, const StepCosts& c,
                                  const std::vector<TpComm>& comms) {
  std::vector<Piece> out(1);
  for (size_t i = span.first_op; i < span.end_op; ++i) {
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
  std::erase_if(out, [](const Piece& p) { return !p.comm && p.seconds == 0 && p.bucket_bytes == 0; });
  return out;
}

// Backward in reverse op order; with `buckets`, pieces also end where a gradient bucket fills.
std::vector<Piece> backward_pieces(const StageSpan& span, const StepCosts& c,
                                   const std::vector<TpComm>& comms, bool buckets) {
  std::vector<Piece> out(1);
  double pending = 0;
  for (size_t i = span.end_op; i-- > span.first_op;) {
    for (const auto& m : comms)
      if (m.op == i && !m.before && m.backward) {
        out.push_back({true, 0, *m.backward, m.bytes, m.tensor, 0});
        out.push_back({});
      }
    out.back().seconds += c.backward_s[i];
    if (buckets && i < c.grad_bytes.size()) {
      pending += c.grad_bytes[i];
      if (pending >= c.bucket_bytes) {
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
  std::erase_if(out, [](const Piece& p) { return !p.comm && p.seconds == 0 && p.bucket_bytes == 0; });
  return out;
}

struct Builder {
  const Strategy& s;
  const StepCosts& c;
  const std::vector<TpComm>& comms;
  const std::vector<StageSpan>& stages;
  StepProgram out;
  // Last task of (stage, microbatch, phase) per device, for cross-stage dependencies.
  std::map<std::tuple<int64_t, int64_t, char, int64_t>, size_t> last;
  std::vector<std::vector<size_t>> buckets_of_device;  // DP tasks per device (training)

  size_t add(Task t, int64_t stage, int64_t mb, char phase) {
    out.tags.push_back({stage, mb, phase});
    return out.program.add(std::move(t));
  }

  void item(int64_t st, char phase, int64_t mb, bool final_backward) {
    const bool fwd = phase == 'F';
    const auto pieces = fwd ? forward_pieces(stages[st], c, comms)
                            : backward_pieces(stages[st], c, comms, final_backward && s.dp > 1);
    const int64_t from = fwd ? st - 1 : st + 1;
    const bool receives = fwd ? st > 0 : st + 1 < static_cast<int64_t>(stages.size());
    for (int64_t d = 0; d < s.dp; ++d) {
      std::vector<size_t> prev(s.tp);
      std::vector<bool> has_prev(s.tp, false);
      if (receives) {
        const double bytes = stages[fwd ? from : st].send_bytes;
        for (int64_t t = 0; t < s.tp; ++t) {
          Task p;
          p.name = fmt::format("{} mb{} stage{}->{}", fwd ? "activations" : "activation grads", mb, from, st);
          p.category = "pp";
          p.stream = kP2pStream;
          p.is_collective = true;
          p.collective =
              Collective{CollectiveKind::send_recv, bytes, {s.device(from, d, t), s.device(st, d, t)}};
          p.deps = {last.at({from, mb, phase, s.device(from, d, t)})};
          prev[t] = add(std::move(p), st, mb, 'P');
          has_prev[t] = true;
        }
      }
      for (const Piece& piece : pieces) {
        if (piece.comm) {
          if (s.tp == 1) continue;
          Task t;
          t.name = fmt::format("tp {} {} mb{}", to_string(piece.kind), piece.what, mb);
          t.category = "tp";
          t.stream = kComputeStream;
          t.is_collective = true;
          t.collective = Collective{piece.kind, piece.bytes, s.tp_group(st, d)};
          const size_t id = add(std::move(t), st, mb, phase);
          std::fill(prev.begin(), prev.end(), id);
          std::fill(has_prev.begin(), has_prev.end(), true);
          continue;
        }
        std::vector<size_t> done(s.tp);
        for (int64_t t = 0; t < s.tp; ++t) {
          Task k;
          k.name = fmt::format("{} stage{} mb{}", fwd ? "forward" : "backward", st, mb);
          k.category = fwd ? "forward" : "backward";
          k.stream = kComputeStream;
          k.device = s.device(st, d, t);
          k.seconds = piece.seconds;
          if (has_prev[t]) k.deps = {prev[t]};
          done[t] = add(std::move(k), st, mb, phase);
          prev[t] = done[t];
          has_prev[t] = true;
        }
        if (piece.bucket_bytes > 0)
          for (int64_t t = 0; t < s.tp; ++t) bucket(st, t, d, piece.bucket_bytes, done);
      }
      for (int64_t t = 0; t < s.tp; ++t)
        if (has_prev[t]) last[{st, mb, phase, s.device(st, d, t)}] = prev[t];
    }
  }

  // A gradient bucket's reduction over the data-parallel group, issued once (by dp rank 0's
  // builder pass) when every rank of the group has finished the piece that fills it.
  std::map<std::tuple<int64_t, int64_t, size_t>, std::vector<size_t>> ready;  // (stage, tp, nth) -> tasks
  std::map<std::pair<int64_t, int64_t>, size_t> nth;
  void bucket(int64_t st, int64_t t, int64_t d, double bytes, const std::vector<size_t>& done) {
    const size_t k = nth[{st, t * s.dp + d}]++;
    auto& r = ready[{st, t, k}];
    r.push_back(done[t]);
    if (static_cast<int64_t>(r.size()) < s.dp) return;
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
    for (int64_t dd = 0; dd < s.dp; ++dd) buckets_of_device[s.device(st, dd, t)].push_back(id);
  }

  void optimizer() {
    const double shard = s.zero >= 1 ? 1.0 / static_cast<double>(s.dp) : 1.0;
    for (int64_t st = 0; st < static_cast<int64_t>(stages.size()); ++st) {
      double weights = 0;
      for (size_t i = stages[st].first_op; i < stages[st].end_op && i < c.weight_bytes.size(); ++i)
        weights += c.weight_bytes[i];
      for (int64_t d = 0; d < s.dp; ++d)
        for (int64_t t = 0; t < s.tp; ++t) {
          const int64_t dev = s.device(st, d, t);
          Task o;
          o.name = "optimizer";
          o.category = "optimizer";
          o.device = dev;
          o.seconds = c.optimizer_s * stage_share(st) * shard;
          o.deps = buckets_of_device[dev];
          last[{st, -1, 'O', dev}] = add(std::move(o), st, -1, 'O');
        }
      // ZeRO: each rank updated its shard; the others get it by an all-gather.
      if (s.zero >= 1 && s.dp > 1)
        for (int64_t t = 0; t < s.tp; ++t) {
          Task g;
          g.name = "dp all_gather updated weights";
          g.category = "dp";
          g.stream = kDpStream;
          g.is_collective = true;
          g.collective = Collective{CollectiveKind::all_gather, weights, s.dp_group(st, t)};
          for (int64_t d = 0; d < s.dp; ++d) g.deps.push_back(last.at({st, -1, 'O', s.device(st, d, t)}));
          add(std::move(g), st, -1, 'D');
        }
    }
  }

  // The stage's share of the optimizer work: its share of the weights.
  double stage_share(int64_t st) const {
    double all = 0, mine = 0;
    for (size_t i = 0; i < c.weight_bytes.size(); ++i) {
      all += c.weight_bytes[i];
      if (i >= stages[st].first_op && i < stages[st].end_op) mine += c.weight_bytes[i];
    }
    return all > 0 ? mine / all : 1.0 / static_cast<double>(stages.size());
  }
};

}  // namespace

StepProgram build_step_program(const Strategy& s, const StepCosts& c, const std::vector<TpComm>& comms,
                               const std::vector<StageSpan>& stages) {
  Builder b{s, c, comms, stages, {}, {}, {}, {}, {}};
  b.out.program.devices = s.devices();
  b.buckets_of_device.resize(s.devices());
  const bool training = !c.backward_s.empty();
  const auto p = static_cast<int64_t>(stages.size());
  const int64_t m = s.microbatches;
  // Per stage, the order its devices run (phase, microbatch).
  std::vector<std::vector<std::pair<char, int64_t>>> order(p);
  for (int64_t st = 0; st < p; ++st) {
    auto& o = order[st];
    if (!training || s.schedule == Schedule::gpipe) {
      for (int64_t j = 0; j < m; ++j) o.push_back({'F', j});
      if (training)
        for (int64_t j = 0; j < m; ++j) o.push_back({'B', j});
      continue;
    }
    const int64_t warm = std::min(p - 1 - st, m);
    for (int64_t j = 0; j < warm; ++j) o.push_back({'F', j});
    for (int64_t j = 0; j < m - warm; ++j) {
      o.push_back({'F', warm + j});
      o.push_back({'B', j});
    }
    for (int64_t j = m - warm; j < m; ++j) o.push_back({'B', j});
  }
  // Emit items so that every cross-stage dependency is emitted first.
  std::vector<size_t> next(p, 0);
  std::map<std::pair<char, int64_t>, int64_t>
      emitted_upto;  // (phase, mb) -> stages emitted (F: from 0, B: from p-1)
  for (bool progress = true; progress;) {
    progress = false;
    for (int64_t st = 0; st < p; ++st)
      while (next[st] < order[st].size()) {
        const auto [phase, j] = order[st][next[st]];
        const bool ok = phase == 'F'
                            ? (st == 0 || b.last.count({st - 1, j, 'F', s.device(st - 1, 0, 0)}))
                            : (st == p - 1 || b.last.count({st + 1, j, 'B', s.device(st + 1, 0, 0)}));
        if (!ok) break;
        const bool final_backward = phase == 'B' && j == m - 1;
        b.item(st, phase, j, final_backward);
        ++next[st];
        progress = true;
      }
  }
  if (training) b.optimizer();
  return std::move(b.out);
}

}  // namespace orrery::sim::parallel
