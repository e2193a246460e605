#include "sim/parallel/timeline.hpp"

#include <fmt/format.h>

namespace orrery::sim::parallel {

nlohmann::json chrome_trace(const ParallelResult& r) {
  const Strategy& s = r.strategy;
  nlohmann::json events = nlohmann::json::array();
  // Tracks: 0 compute, 1 tensor-parallel collectives, 2 data parallel, 3 pipeline forward,
  // 4 pipeline backward.
  static constexpr const char* kTracks[] = {"compute", "tp comm", "dp comm", "pp send fwd", "pp send bwd"};
  for (int64_t d = 0; d < s.devices(); ++d) {
    const int64_t stage = d / (s.dp * s.tp), dp_rank = (d / s.tp) % s.dp, tp_rank = d % s.tp;
    events.push_back(
        {{"ph", "M"},
         {"name", "process_name"},
         {"pid", d},
         {"args",
          {{"name", fmt::format("device {} (stage {}, dp {}, tp {})", d, stage, dp_rank, tp_rank)}}}});
    events.push_back(
        {{"ph", "M"}, {"name", "process_sort_index"}, {"pid", d}, {"args", {{"sort_index", d}}}});
    for (int k = 0; k < 5; ++k)
      events.push_back(
          {{"ph", "M"}, {"name", "thread_name"}, {"pid", d}, {"tid", k}, {"args", {{"name", kTracks[k]}}}});
  }
  const auto& tasks = r.program.program.tasks;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const auto& t = tasks[i];
    const auto& when = r.timing.tasks[i];
    const auto& tag = r.program.tags[i];
    nlohmann::json args = {{"stage", tag.stage}};
    if (tag.microbatch >= 0) args["microbatch"] = tag.microbatch;
    int track = 0;
    if (t.is_collective) {
      track = t.category == "tp" ? 1 : t.category == "dp" ? 2 : tag.phase == 'P' ? 3 : 4;
      args["kind"] = arch::interconnect::to_string(t.collective.kind);
      args["bytes"] = t.collective.bytes;
      args["group"] = t.collective.group;
    }
    for (int64_t d : t.devices())
      events.push_back({{"name", t.name},
                        {"cat", t.category},
                        {"ph", "X"},
                        {"ts", when.start_s * 1e6},
                        {"dur", (when.end_s - when.start_s) * 1e6},
                        {"pid", d},
                        {"tid", track},
                        {"args", args}});
  }
  return {{"traceEvents", events},
          {"displayTimeUnit", "ns"},
          {"otherData",
           {{"strategy", s.describe()},
            {"step_s", r.step_s},
            {"simulated", {{"replicas", r.ranks.replicas}, {"tp_ranks", r.ranks.tp_ranks}}},
            {"note",
             r.ranks.replicas < s.dp || r.ranks.tp_ranks < s.tp
                 ? "devices after the first data-parallel replica and tensor-parallel rank are identical to "
                   "those: only their collectives are shown"
                 : ""}}}};
}

}  // namespace orrery::sim::parallel
