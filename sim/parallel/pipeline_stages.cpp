#include "sim/parallel/pipeline_stages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

#include "common/error.hpp"

namespace orrery::sim::parallel {

double cut_bytes(const workloads::Graph& g, size_t cut) {
  std::map<std::string, size_t> producer;
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& t : g.ops()[i].outputs) producer[t.name] = i;
  std::map<std::string, double> crossing;
  for (size_t i = cut; i < g.size(); ++i)
    for (const auto& t : g.ops()[i].inputs)
      if (auto it = producer.find(t.name); it != producer.end() && it->second < cut)
        crossing[t.name] = static_cast<double>(t.bytes());
  double sum = 0;
  for (const auto& [name, bytes] : crossing) sum += bytes;
  return sum;
}

std::vector<StageSpan> partition_stages(const workloads::Graph& g, const std::vector<double>& op_seconds,
                                        int64_t stages) {
  const size_t n = op_seconds.size();
  const auto p = static_cast<size_t>(stages);
  if (n < p)
    throw WorkloadError(
        fmt::format("--parallel pp={}: the workload has only {} ops to spread over the stages", stages, n));
  std::vector<double> prefix(n + 1, 0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + op_seconds[i];
  // best[k][i]: the smallest possible slowest stage when the first i ops form k stages.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> best(p + 1, std::vector<double>(n + 1, inf));
  std::vector<std::vector<size_t>> cut(p + 1, std::vector<size_t>(n + 1, 0));
  best[0][0] = 0;
  for (size_t k = 1; k <= p; ++k)
    for (size_t i = k; i <= n - (p - k); ++i)
      for (size_t j = k - 1; j < i; ++j) {
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
  for (size_t k = 0; k + 1 < p; ++k) out[k].send_bytes = cut_bytes(g, out[k].end_op);
  return out;
}

}  // namespace orrery::sim::parallel
