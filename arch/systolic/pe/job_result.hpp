#pragma once
// What one job (a plan replayed on the PE array) produced: the result matrix and the cycles of
// the events that bound each fold. All cycles are relative to the job: cycle 0 is the cycle
// the first word of fold 0 entered the array.
#include <cstdint>
#include <vector>

#include "arch/systolic/pe/matrix.hpp"

namespace orrery::arch::systolic::pe {

struct CycleReport {
  std::vector<int64_t> fold_first_in;  // the fold's first word (load or operand) enters
  std::vector<int64_t> fold_last_mac;  // the fold's last multiply-accumulate
  std::vector<int64_t> fold_last_out;  // the fold's last output leaves the bottom edge
  std::vector<int64_t> fold_macs;
  int64_t last_mac = -1, last_out = -1;

  // cycles 0 .. last_out, both counted
  int64_t total_cycles() const { return last_out + 1; }
  // first word in .. last output out, both counted
  int64_t fold_cycles(size_t f) const { return fold_last_out[f] - fold_first_in[f] + 1; }
  // first word in .. last MAC, both counted
  int64_t fold_compute_cycles(size_t f) const { return fold_last_mac[f] - fold_first_in[f] + 1; }
  int64_t macs() const {
    int64_t n = 0;
    for (auto m : fold_macs) n += m;
    return n;
  }
};

template <class Acc>
struct JobResult {
  Mat<Acc> result;
  CycleReport cycles;
};

}  // namespace orrery::arch::systolic::pe
