#include "arch/family.hpp"

namespace orrery::arch {

std::string_view to_string(Fidelity f) { return f == Fidelity::analytical ? "analytical" : "cycle"; }

void finalize(RunResult& result, int64_t batch) {
  result.total = Stats{};
  for (const auto& layer : result.layers) {
    layer.stats.check_invariants(layer.name);
    result.total += layer.stats;
  }
  result.total.check_invariants("total");
  if (result.throughput_per_s == 0 && result.total.seconds > 0)
    result.throughput_per_s = static_cast<double>(batch) / result.total.seconds;
}

}  // namespace orrery::arch
