#include "sim/parallel/pipeline_stages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "common/error.hpp"

namespace orrery::sim::parallel {

namespace {

// Per cut position j (between op j-1 and op j): the tensors produced before it and read after it.
std::vector<std::map<std::string, double>> crossings(const workloads::Graph& g) {
  std::map<std::string, size_t> producer, last_reader;
  std::map<std::string, double> bytes;
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& t : g.ops()[i].outputs) producer[t.name] = i;
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& t : g.ops()[i].inputs)
      if (producer.count(t.name)) {
        last_reader[t.name] = i;
        bytes[t.name] = static_cast<double>(t.bytes());
      }
  std::vector<std::map<std::string, double>> out(g.size() + 1);
  for (const auto& [name, reader] : last_reader)
    for (size_t j = producer[name] + 1; j <= reader; ++j) out[j][name] = bytes[name];
  return out;
}

}  // namespace

double cut_bytes(const workloads::Graph& g, size_t cut) {
  // Keep the crossings alive: a range-for over crossings(g).at(cut) would iterate a map inside a
  // destroyed temporary (ASan: heap-use-after-free).
  const auto live = crossings(g);
  double sum = 0;
  for (const auto& [name, bytes] : live.at(cut)) sum += bytes;
  return sum;
}

std::vector<StageTie> stage_ties(const workloads::Graph& g, const std::vector<StageSpan>& chunks,
                                 int64_t pp) {
  auto stage_of = [&](size_t op) {
    for (size_t c = 0; c < chunks.size(); ++c)
      if (op >= chunks[c].first_op && op < chunks[c].end_op) return static_cast<int64_t>(c) % pp;
    return (static_cast<int64_t>(chunks.size()) - 1) % pp;
  };
  std::map<std::string, std::pair<int64_t, int64_t>> owner;  // weight -> (stage, elements)
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& w : g.ops()[i].weights) owner.emplace(w.name, std::pair{stage_of(i), w.numel()});
  std::vector<StageTie> ties;
  std::set<std::pair<std::string, int64_t>> seen;
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& t : g.ops()[i].inputs) {
      const auto it = owner.find(t.name);
      const int64_t user = stage_of(i);
      if (it == owner.end() || it->second.first == user || !seen.insert({t.name, user}).second) continue;
      ties.push_back({it->second.first, user, it->second.second});
    }
  return ties;
}

int64_t tied_copy_numel(const std::vector<StageTie>& ties, int64_t stage) {
  int64_t n = 0;
  for (const StageTie& tie : ties)
    if (tie.user == stage) n += tie.numel;
  return n;
}

std::vector<StageSpan> partition_stages(const workloads::Graph& g, const std::vector<double>& op_seconds,
                                        int64_t stages) {
  const size_t n = op_seconds.size();
  const auto p = static_cast<size_t>(stages);
  if (n < p)
    throw WorkloadError(fmt::format(
        "--parallel: {} pipeline stages or chunks (pp x virtual) need as many ops, the workload has {}",
        stages, n));
  std::vector<double> prefix(n + 1, 0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + op_seconds[i];
  // Stages end at layer boundaries: the cuts where the fewest tensors are live (the residual
  // stream between transformer blocks, one feature map between CNN stages), or none (after ops
  // whose results nothing reads). Where there are too few of those, any cut.
  const auto live = crossings(g);
  size_t fewest = std::numeric_limits<size_t>::max();
  for (size_t j = 1; j < n; ++j)
    if (!live[j].empty()) fewest = std::min(fewest, live[j].size());
  std::vector<bool> allowed(n + 1, false);
  size_t count = 0;
  for (size_t j = 1; j < n; ++j) count += (allowed[j] = live[j].size() <= fewest);
  if (count + 1 < p) std::fill(allowed.begin(), allowed.end(), true);
  allowed[0] = allowed[n] = true;
  // best[k][i]: the smallest possible slowest stage when the first i ops form k stages.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> best(p + 1, std::vector<double>(n + 1, inf));
  std::vector<std::vector<size_t>> cut(p + 1, std::vector<size_t>(n + 1, 0));
  best[0][0] = 0;
  for (size_t k = 1; k <= p; ++k)
    for (size_t i = k; i <= n - (p - k); ++i)
      for (size_t j = k - 1; j < i; ++j) {
        if (!allowed[j] || !allowed[i] || best[k - 1][j] == inf) continue;
        const double v = std::max(best[k - 1][j], prefix[i] - prefix[j]);
        if (v < best[k][i]) {  // strictly smaller: among equal splits the earliest cut wins
          best[k][i] = v;
          cut[k][i] = j;
        }
      }
  std::vector<StageSpan> out(p);
  size_t end = n;
  for (size_t k = p; k >= 1; --k) {
    const size_t begin = cut[k][end];
    out[k - 1] = {begin, end, prefix[end] - prefix[begin], 0};
    end = begin;
  }
  for (size_t k = 0; k + 1 < p; ++k)
    for (const auto& [name, bytes] : live[out[k].end_op]) out[k].send_bytes += bytes;
  return out;
}

}  // namespace orrery::sim::parallel
