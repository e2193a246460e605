#pragma once
// How a step is spread over devices (--parallel dp=D,tp=T,pp=P,microbatches=M,sp=0|1,
// zero=0..3,schedule=gpipe|1f1b,virtual=V), and which device each rank is. Ranks are laid out as
// Megatron-LM does: tensor-parallel ranks adjacent (inside a node), then data-parallel, then
// pipeline stages: device = stage * (D * T) + dp_rank * T + tp_rank.
#include <cstdint>
#include <string>
#include <vector>

namespace orrery::sim::parallel {

enum class Schedule { gpipe, one_f_one_b };

struct Strategy {
  int64_t dp = 1, tp = 1, pp = 1, microbatches = 1;
  bool sequence_parallel = false;
  int zero = 0;  // ZeRO stage: 0 none, 1 optimizer state, 2 + gradients, 3 + weights
  Schedule schedule = Schedule::one_f_one_b;
  // Model chunks per pipeline stage (Megatron-LM's virtual pipeline size): > 1 runs interleaved 1F1B.
  int64_t virtual_stages = 1;

  int64_t devices() const { return dp * tp * pp; }
  int64_t device(int64_t stage, int64_t dp_rank, int64_t tp_rank) const {
    return stage * dp * tp + dp_rank * tp + tp_rank;
  }
  std::vector<int64_t> tp_group(int64_t stage, int64_t dp_rank) const;
  std::vector<int64_t> dp_group(int64_t stage, int64_t tp_rank) const;
  std::string describe() const;
};

// Parses the --parallel argument; throws UsageError naming --parallel and the key.
Strategy parse_strategy(const std::string& text);

std::string to_string(Schedule s);

}  // namespace orrery::sim::parallel
