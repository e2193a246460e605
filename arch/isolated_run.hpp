#pragma once
// Runs a SystemC simulation in a forked child and returns its typed result to the parent.
// The SystemC kernel elaborates once per process, and a process forked after an elaboration
// inherits it: so every cycle-fidelity run happens in a child (about a millisecond) and only
// plain bytes come back through a pipe; the calling process never elaborates and can evaluate
// any number of times (sweeps, tests, --mapping re-runs). Used by every family.
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/error.hpp"

namespace orrery::arch {

// A child's result: one summary and one row per layer (or kernel, or stage).
template <class Summary, class Row>
struct IsolatedResult {
  Summary summary{};
  std::vector<Row> rows;
};

// Runs `body` in a forked child and returns the bytes it produced. An exception in the child
// comes back as a SimulationError carrying its message; a child that dies (signal, exit before
// answering) is a SimulationError naming `what`.
std::string run_in_child(std::string_view what, const std::function<std::string()>& body);

template <class Summary, class Row>
IsolatedResult<Summary, Row> run_isolated(std::string_view what,
                                          const std::function<IsolatedResult<Summary, Row>()>& body) {
  // Only plain values may cross the process boundary as raw bytes.
  static_assert(std::is_trivially_copyable_v<Summary>,
                "an isolated run's summary must be trivially copyable");
  static_assert(std::is_trivially_copyable_v<Row>, "an isolated run's rows must be trivially copyable");
  const std::string bytes = run_in_child(what, [&] {
    const IsolatedResult<Summary, Row> r = body();
    std::string out(sizeof(Summary) + r.rows.size() * sizeof(Row), '\0');
    std::memcpy(out.data(), &r.summary, sizeof(Summary));
    if (!r.rows.empty())
      std::memcpy(out.data() + sizeof(Summary), r.rows.data(), r.rows.size() * sizeof(Row));
    return out;
  });
  if (bytes.size() < sizeof(Summary) || (bytes.size() - sizeof(Summary)) % sizeof(Row) != 0)
    throw SimulationError(std::string(what) + ": the child simulation returned a truncated result");
  IsolatedResult<Summary, Row> r;
  std::memcpy(&r.summary, bytes.data(), sizeof(Summary));
  r.rows.resize((bytes.size() - sizeof(Summary)) / sizeof(Row));
  if (!r.rows.empty())
    std::memcpy(r.rows.data(), bytes.data() + sizeof(Summary), r.rows.size() * sizeof(Row));
  return r;
}

}  // namespace orrery::arch
