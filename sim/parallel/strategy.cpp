#include "sim/parallel/strategy.hpp"

#include <fmt/format.h>

#include <map>
#include <sstream>

#include "common/error.hpp"

namespace orrery::sim::parallel {

std::string to_string(Schedule s) { return s == Schedule::gpipe ? "gpipe" : "1f1b"; }

std::vector<int64_t> Strategy::tp_group(int64_t stage, int64_t dp_rank) const {
  std::vector<int64_t> g;
  for (int64_t t = 0; t < tp; ++t) g.push_back(device(stage, dp_rank, t));
  return g;
}

std::vector<int64_t> Strategy::dp_group(int64_t stage, int64_t tp_rank) const {
  std::vector<int64_t> g;
  for (int64_t d = 0; d < dp; ++d) g.push_back(device(stage, d, tp_rank));
  return g;
}

std::string Strategy::describe() const {
  return fmt::format("dp={},tp={},pp={},microbatches={},sp={},zero={},schedule={}{}", dp, tp, pp,
                     microbatches, sequence_parallel ? 1 : 0, zero, to_string(schedule),
                     virtual_stages > 1 ? fmt::format(",virtual={}", virtual_stages) : "");
}

Strategy parse_strategy(const std::string& text) {
  Strategy s;
  std::map<std::string, bool> seen;
  std::stringstream in(text);
  std::string item;
  const auto bad = [&](const std::string& why) {
    return UsageError(fmt::format("--parallel '{}': {}", text, why));
  };
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw bad(fmt::format("expected key=value, got '{}'", item));
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (seen[key]) throw bad(fmt::format("'{}' given twice", key));
    seen[key] = true;
    if (key == "schedule") {
      if (value == "gpipe")
        s.schedule = Schedule::gpipe;
      else if (value == "1f1b")
        s.schedule = Schedule::one_f_one_b;
      else
        throw bad(fmt::format("schedule: expected gpipe|1f1b, got '{}'", value));
      continue;
    }
    int64_t v = 0;
    try {
      size_t used = 0;
      v = std::stoll(value, &used);
      if (used != value.size()) throw std::invalid_argument(value);
    } catch (const std::exception&) {
      throw bad(fmt::format("{}: expected an integer, got '{}'", key, value));
    }
    const auto positive = [&](int64_t& field) {
      if (v < 1 || v > (1 << 20))
        throw bad(fmt::format("{}: expected an integer in [1, 1048576], got {}", key, v));
      field = v;
    };
    if (key == "dp")
      positive(s.dp);
    else if (key == "tp")
      positive(s.tp);
    else if (key == "pp")
      positive(s.pp);
    else if (key == "microbatches")
      positive(s.microbatches);
    else if (key == "virtual")
      positive(s.virtual_stages);
    else if (key == "sp") {
      if (v != 0 && v != 1) throw bad(fmt::format("sp: expected 0|1, got {}", v));
      s.sequence_parallel = v == 1;
    } else if (key == "zero") {
      if (v < 0 || v > 3) throw bad(fmt::format("zero: expected 0|1|2|3, got {}", v));
      s.zero = static_cast<int>(v);
    } else {
      throw bad(fmt::format(
          "unknown key '{}' (expected dp, tp, pp, microbatches, sp, zero, schedule, virtual)", key));
    }
  }
  if (s.sequence_parallel && s.tp == 1)
    throw bad("sp=1 needs tp > 1 (sequence parallelism splits what tensor parallelism replicates)");
  if (s.virtual_stages > 1) {
    // Megatron-LM's interleaved schedule: chunks on more than one stage, 1F1B, and microbatches
    // in whole groups of P (its assertion).
    if (s.pp == 1) throw bad("virtual > 1 needs pp > 1 (it interleaves model chunks over pipeline stages)");
    if (s.schedule == Schedule::gpipe) throw bad("virtual > 1 runs the interleaved 1F1B schedule, not gpipe");
    if (s.microbatches % s.pp != 0)
      throw bad(
          fmt::format("virtual > 1: microbatches ({}) must be a multiple of pp ({}), as Megatron-LM asks",
                      s.microbatches, s.pp));
  }
  return s;
}

}  // namespace orrery::sim::parallel
